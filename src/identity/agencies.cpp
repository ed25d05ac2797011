#include "identity/agencies.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace motcua::identity {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxRows = 200'000;
constexpr std::size_t kMaxText = 500;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

bool ValidLevel1(std::string_view g) {
  return g.size() == 3 && IsUpper(g[0]) && g[0] != 'Z' && IsDigit(g[1]) && IsDigit(g[2]);
}

std::string* Member(AgencyRecord& r, std::string_view key) {
  if (key == "code") return &r.code;
  if (key == "code_d20") return &r.code_d20;
  if (key == "name") return &r.name;
  if (key == "name_en") return &r.name_en;
  if (key == "level") return &r.level;
  if (key == "kind") return &r.kind;
  if (key == "parent_code") return &r.parent_code;
  if (key == "address") return &r.address;
  if (key == "phone") return &r.phone;
  if (key == "email") return &r.email;
  return nullptr;
}

// Splits RFC 4180 CSV into rows of fields; false on an unterminated quote.
bool SplitCsv(std::string_view text, std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) return false;
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return true;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

const std::string& MemberOf(const AgencyRecord& r, std::string_view key) {
  return *Member(const_cast<AgencyRecord&>(r), key);  // same lookup, read-only use
}

}  // namespace

const std::vector<std::string_view>& AgencyColumns() {
  static const std::vector<std::string_view> kColumns = {
      "code", "code_d20", "name", "name_en", "level", "kind", "parent_code", "address", "phone", "email"};
  return kColumns;
}

bool ValidQcvnCode(std::string_view c) {
  // V1V2V3 . Z1Z2 . Y1Y2 . MX1X2
  return c.size() == 13 && IsDigit(c[0]) && IsDigit(c[1]) && IsDigit(c[2]) && c[3] == '.' &&
         IsDigit(c[4]) && IsDigit(c[5]) && c[6] == '.' && IsDigit(c[7]) && IsDigit(c[8]) &&
         c[9] == '.' && ValidLevel1(c.substr(10));
}

bool ValidD20Code(std::string_view c) {
  if (c.size() < 3 || c.size() > 35 || !ValidLevel1(c.substr(0, 3))) return false;
  std::size_t group = 0;
  for (std::size_t i = 3; i < c.size(); ++i) {
    if (c[i] == '.') {
      if (i == 3 ? false : group == 0) return false;
      group = 0;
    } else if (IsDigit(c[i]) || IsUpper(c[i])) {
      if (i == 3) return false;  // groups are separated by '.'
      ++group;
    } else {
      return false;
    }
  }
  return c.back() != '.';
}

void CheckAgencyRecord(const AgencyRecord& r, std::size_t row, std::vector<RowError>& errors) {
  auto add = [&](std::string field, std::string message) {
    errors.push_back({row, r.code, std::move(field), std::move(message)});
  };
  if (!ValidQcvnCode(r.code)) {
    add("code", "Mã định danh không đúng dạng QCVN 102 (000.00.00.H99) / not a QCVN 102 code");
  }
  if (!r.code_d20.empty() && !ValidD20Code(r.code_d20)) {
    add("code_d20", "Mã không đúng dạng Quyết định 20/2020 (H99.01) / not a Decision 20/2020 code");
  }
  if (r.name.empty()) add("name", "Thiếu tên cơ quan / name is required");
  static constexpr std::array<std::string_view, 4> kLevels = {"central", "province", "district",
                                                              "commune"};
  if (std::find(kLevels.begin(), kLevels.end(), r.level) == kLevels.end()) {
    add("level", "Cấp phải là central, province, district hoặc commune / unknown level");
  }
  static constexpr std::array<std::string_view, 8> kKinds = {
      "ministry", "people_committee", "department", "police", "social_security", "tax",
      "public_administration_center", "office"};
  if (std::find(kKinds.begin(), kKinds.end(), r.kind) == kKinds.end()) {
    add("kind", "Loại cơ quan không hợp lệ / unknown kind");
  }
  if (!r.parent_code.empty() && r.parent_code == r.code) {
    add("parent_code", "Cơ quan không thể là cấp trên của chính nó / an agency cannot be its own parent");
  }
  for (std::string_view key : AgencyColumns()) {
    if (MemberOf(r, key).size() > kMaxText) add(std::string(key), "Dài quá 500 byte / longer than 500 bytes");
  }
}

core::Result<AgencyImport> ParseAgenciesJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "Tệp phải là một mảng JSON các cơ quan / the file must be a JSON array of agencies");
  }
  const auto& arr = v.as_array();
  if (arr.size() > kMaxRows) {
    return core::Fail(core::ErrorCode::kPayloadTooLarge, "too many rows (at most 200000)");
  }
  AgencyImport out;
  std::size_t row = 0;
  for (const auto& item : arr) {
    ++row;
    AgencyRecord r;
    if (!item.is_object()) {
      out.errors.push_back({row, "", "", "Dòng không phải đối tượng JSON / row is not an object"});
      continue;
    }
    bool ok = true;
    for (const auto& [key, value] : item.as_object()) {
      std::string* member = Member(r, key);
      if (member == nullptr) {
        out.errors.push_back({row, "", std::string(key), "Trường không được hỗ trợ / unknown field"});
        ok = false;
      } else if (value.is_string()) {
        *member = std::string(value.as_string());
      } else if (!value.is_null()) {
        out.errors.push_back({row, "", std::string(key), "Phải là chuỗi / must be a string"});
        ok = false;
      }
    }
    if (ok) out.rows.push_back(std::move(r));
  }
  return out;
}

core::Result<AgencyImport> ParseAgenciesCsv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::vector<std::string>> rows;
  if (!SplitCsv(text, rows)) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "CSV có dấu ngoặc kép chưa đóng / unterminated quote in the CSV");
  }
  if (rows.empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "CSV rỗng / the CSV is empty");
  }
  if (rows.size() > kMaxRows + 1) {
    return core::Fail(core::ErrorCode::kPayloadTooLarge, "too many rows (at most 200000)");
  }
  const auto& header = rows.front();
  std::vector<std::string_view> keys;
  for (const auto& h : header) {
    AgencyRecord probe;
    if (Member(probe, h) == nullptr) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "Cột không được hỗ trợ: " + h + " / unknown column: " + h,
                        {{h, "unknown column"}});
    }
    keys.push_back(h);
  }
  AgencyImport out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() != keys.size()) {
      out.errors.push_back({i, "", "", "Số cột không khớp dòng tiêu đề / wrong number of columns"});
      continue;
    }
    AgencyRecord r;
    for (std::size_t k = 0; k < keys.size(); ++k) *Member(r, keys[k]) = rows[i][k];
    out.rows.push_back(std::move(r));
  }
  return out;
}

std::string AgenciesToCsv(const std::vector<AgencyRecord>& rows) {
  std::string out = "\xEF\xBB\xBF";
  const auto& cols = AgencyColumns();
  for (std::size_t k = 0; k < cols.size(); ++k) out += (k ? "," : "") + std::string(cols[k]);
  out += "\r\n";
  for (const auto& r : rows) {
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (k) out += ',';
      out += CsvField(MemberOf(r, cols[k]));
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace motcua::identity
