// Reconciliation (Decision 31/2021 Art. 36): our settled transactions of a window of days against
// the payment provider's statement — matched, amount mismatch, missing on our side, missing on
// theirs. Pure code.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace motcua::payment {

/// One settled transaction, ours or the provider's.
struct StatementLine {
  std::string reference;  ///< MaThamChieu
  std::int64_t amount = 0;
  std::string platform_txn;  ///< MaGiaoDich
  std::string provider;      ///< MaNganHang: the payment service provider (bank, intermediary)
  std::string agency;        ///< the agency the money is for (our side only)
  std::string day;           ///< the local day YYYY-MM-DD it was paid ("" when the statement does not say)
  std::string type_code;     ///< the transaction-type code G22.… (Art. 36; "" when the statement does not say)
};

struct ReconLine {
  std::string reference;
  std::int64_t ours = 0, theirs = 0;
  std::string outcome;  ///< matched | amount_mismatch | missing_ours | missing_theirs
  std::string provider, agency;  ///< ours when we have the line, else the statement's ("" unknown)
  std::string day;               ///< ours when we have the line, else the statement's ("" unknown)
  std::string type_code;         ///< ours when we have the line, else the statement's ("" unknown)
};

struct Reconciliation {
  std::vector<ReconLine> lines;  ///< by reference
  std::size_t matched = 0, amount_mismatch = 0, missing_ours = 0, missing_theirs = 0;
  std::int64_t ours_total = 0, theirs_total = 0;
};

/// Compares the two sides by reference. A reference twice on one side is compared on its sum.
Reconciliation Reconcile(const std::vector<StatementLine>& ours, const std::vector<StatementLine>& theirs);

/// The counts and totals of the lines that share a key (an agency, a provider, a day or a
/// transaction-type code).
struct ReconGroup {
  std::string key;
  std::size_t matched = 0, amount_mismatch = 0, missing_ours = 0, missing_theirs = 0;
  std::int64_t ours_total = 0, theirs_total = 0;
};
enum class GroupBy { kAgency, kProvider, kDay, kType };
/// The reconciliation split per agency, provider, day or transaction type, ordered by key. The groups' counts and
/// totals add up to the reconciliation's.
std::vector<ReconGroup> GroupLines(const Reconciliation& r, GroupBy by);

/// The provider's statement as CSV: a header naming `MaThamChieu` and `SoTien` (and optionally
/// `MaGiaoDich`, `MaNganHang`, `MaLoaiGiaoDich`, and `ThoiGianGD` yyyyMMddHHmmss or `Ngay`
/// YYYY-MM-DD for the day),
/// comma-separated, one transaction a line. kInvalidArgument names the bad line.
core::Result<std::vector<StatementLine>> ParseStatementCsv(std::string_view csv, std::size_t max_lines = 100000);

/// The reconciliation as CSV: reference,ours,theirs,outcome,provider,agency,day,type (`agency_names`
/// maps agency ids to what the column shows).
std::string ReconciliationCsv(const Reconciliation& r, const std::map<std::string, std::string>& agency_names = {});

}  // namespace motcua::payment
