// The agency tree (DOMAIN.md §1.1): its import/export formats and their validation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace motcua::identity {

/// One agency as imported and exported (JSON objects and CSV rows use these keys, in order).
struct AgencyRecord {
  std::string code;        ///< QCVN 102 e-ID, `000.00.02.H99`
  std::string code_d20;    ///< Decision 20/2020 code, `H99.02` (may be empty)
  std::string name;
  std::string name_en;
  std::string level;       ///< central | province | district | commune
  std::string kind;        ///< ministry | people_committee | department | police | …
  std::string parent_code; ///< empty for a root
  std::string address;
  std::string phone;
  std::string email;
};

/// The CSV / JSON keys in order.
const std::vector<std::string_view>& AgencyColumns();

/// A problem with one row of an import (row numbers from 1; the CSV header is row 0).
struct RowError {
  std::size_t row = 0;
  std::string code;
  std::string field;
  std::string message;
};

/// Parsed rows, or the problems that stop the whole file.
struct AgencyImport {
  std::vector<AgencyRecord> rows;
  std::vector<RowError> errors;
};

/// A JSON array of objects with AgencyColumns() keys. Fails (kInvalidArgument) only when the
/// text is not a JSON array; row problems are listed in `errors`.
core::Result<AgencyImport> ParseAgenciesJson(std::string_view text);
/// RFC 4180 CSV (optional UTF-8 BOM) whose header row names AgencyColumns().
core::Result<AgencyImport> ParseAgenciesCsv(std::string_view text);

/// Field checks of one row (codes' formats, level and kind, lengths); appends to `errors`.
void CheckAgencyRecord(const AgencyRecord& r, std::size_t row, std::vector<RowError>& errors);

/// True for `V1V2V3.Z1Z2.Y1Y2.MX1X2` (QCVN 102:2016), e.g. `000.00.01.H22`.
bool ValidQcvnCode(std::string_view code);
/// True for Decision 20/2020 codes: `MX1X2` then `.`-separated groups of [0-9A-Z], ≤ 35 chars.
bool ValidD20Code(std::string_view code);

/// CSV with a header row and CRLF line ends, fields quoted when needed, UTF-8 BOM first.
std::string AgenciesToCsv(const std::vector<AgencyRecord>& rows);

}  // namespace motcua::identity
