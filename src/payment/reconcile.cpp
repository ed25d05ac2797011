#include "payment/reconcile.hpp"

#include <map>

#include "payment/protocol.hpp"

namespace motcua::payment {

Reconciliation Reconcile(const std::vector<StatementLine>& ours, const std::vector<StatementLine>& theirs) {
  struct Sides {
    std::int64_t ours = 0, theirs = 0;
    bool in_ours = false, in_theirs = false;
    std::string provider, agency, day, type_code;
  };
  std::map<std::string, Sides> by_ref;
  Reconciliation r;
  for (const auto& l : ours) {
    auto& s = by_ref[l.reference];
    s.ours += l.amount;
    s.in_ours = true;
    s.provider = l.provider;
    s.agency = l.agency;
    s.day = l.day;
    s.type_code = l.type_code;
    r.ours_total += l.amount;
  }
  for (const auto& l : theirs) {
    auto& s = by_ref[l.reference];
    s.theirs += l.amount;
    s.in_theirs = true;
    if (s.provider.empty()) s.provider = l.provider;
    if (s.day.empty()) s.day = l.day;
    if (s.type_code.empty()) s.type_code = l.type_code;
    r.theirs_total += l.amount;
  }
  for (const auto& [ref, s] : by_ref) {
    std::string outcome;
    if (!s.in_ours) {
      outcome = "missing_ours";
      ++r.missing_ours;
    } else if (!s.in_theirs) {
      outcome = "missing_theirs";
      ++r.missing_theirs;
    } else if (s.ours != s.theirs) {
      outcome = "amount_mismatch";
      ++r.amount_mismatch;
    } else {
      outcome = "matched";
      ++r.matched;
    }
    r.lines.push_back({ref, s.ours, s.theirs, outcome, s.provider, s.agency, s.day, s.type_code});
  }
  return r;
}

std::vector<ReconGroup> GroupLines(const Reconciliation& r, GroupBy by) {
  std::map<std::string, ReconGroup> groups;
  for (const auto& l : r.lines) {
    const std::string& key = by == GroupBy::kProvider ? l.provider
                             : by == GroupBy::kDay    ? l.day
                             : by == GroupBy::kType   ? l.type_code
                                                      : l.agency;
    ReconGroup& g = groups[key];
    g.key = key;
    g.ours_total += l.ours;
    g.theirs_total += l.theirs;
    if (l.outcome == "matched") ++g.matched;
    else if (l.outcome == "amount_mismatch") ++g.amount_mismatch;
    else if (l.outcome == "missing_ours") ++g.missing_ours;
    else ++g.missing_theirs;
  }
  std::vector<ReconGroup> out;
  for (auto& [k, g] : groups) out.push_back(std::move(g));
  return out;
}

namespace {

std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        out.back() += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      out.emplace_back();
    } else {
      out.back() += ch;
    }
  }
  for (auto& f : out) {
    while (!f.empty() && (f.back() == ' ' || f.back() == '\r')) f.pop_back();
    while (!f.empty() && f.front() == ' ') f.erase(0, 1);
  }
  return out;
}

}  // namespace

core::Result<std::vector<StatementLine>> ParseStatementCsv(std::string_view csv, std::size_t max_lines) {
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);  // a BOM from spreadsheet exports
  std::vector<StatementLine> out;
  int ref_col = -1, amount_col = -1, txn_col = -1, bank_col = -1, time_col = -1, day_col = -1, type_col = -1;
  std::size_t line_no = 0, start = 0;
  while (start < csv.size()) {
    auto end = csv.find('\n', start);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty() || line == "\r") continue;
    auto f = SplitCsvLine(line);
    if (ref_col < 0) {
      for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "MaThamChieu") ref_col = static_cast<int>(i);
        if (f[i] == "SoTien") amount_col = static_cast<int>(i);
        if (f[i] == "MaGiaoDich") txn_col = static_cast<int>(i);
        if (f[i] == "MaNganHang") bank_col = static_cast<int>(i);
        if (f[i] == "ThoiGianGD") time_col = static_cast<int>(i);
        if (f[i] == "Ngay") day_col = static_cast<int>(i);
        if (f[i] == "MaLoaiGiaoDich") type_col = static_cast<int>(i);
      }
      if (ref_col < 0 || amount_col < 0) {
        return core::Fail(core::ErrorCode::kInvalidArgument,
                          "Dòng tiêu đề phải có MaThamChieu và SoTien. / The header must name MaThamChieu and SoTien.");
      }
      continue;
    }
    if (out.size() >= max_lines) return core::Fail(core::ErrorCode::kPayloadTooLarge, "Bảng kê quá dài. / The statement is too long.");
    auto amount = static_cast<std::size_t>(amount_col) < f.size() ? ParseAmount(f[static_cast<std::size_t>(amount_col)]) : std::nullopt;
    std::string ref = static_cast<std::size_t>(ref_col) < f.size() ? f[static_cast<std::size_t>(ref_col)] : "";
    if (ref.empty() || ref.size() > 100 || !amount) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "Dòng " + std::to_string(line_no) + " của bảng kê không hợp lệ. / Line " + std::to_string(line_no) +
                            " of the statement is not valid.",
                        {{"line", std::to_string(line_no)}});
    }
    auto col = [&](int c) { return c >= 0 && static_cast<std::size_t>(c) < f.size() ? f[static_cast<std::size_t>(c)] : std::string(); };
    std::string bank = col(bank_col);
    if (bank.size() > 50) bank.resize(50);
    // The day: Ngay YYYY-MM-DD, else the date part of ThoiGianGD yyyyMMddHHmmss (local time).
    std::string day = col(day_col);
    if (day.empty()) {
      std::string t = col(time_col);
      if (t.size() >= 8) day = t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2);
    }
    auto digits = [](std::string_view v) { return v.find_first_not_of("0123456789") == std::string_view::npos; };
    if (!day.empty() && (day.size() != 10 || day[4] != '-' || day[7] != '-' || !digits(day.substr(0, 4)) || !digits(day.substr(5, 2)) ||
                         !digits(day.substr(8, 2)))) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "Ngày ở dòng " + std::to_string(line_no) + " của bảng kê không hợp lệ. / The day on line " +
                            std::to_string(line_no) + " of the statement is not valid.",
                        {{"line", std::to_string(line_no)}});
    }
    std::string type = col(type_col);
    if (type.size() > 50) type.resize(50);
    out.push_back({ref, *amount, col(txn_col), bank, "", day, type});
  }
  if (ref_col < 0) return core::Fail(core::ErrorCode::kInvalidArgument, "Bảng kê trống. / The statement is empty.");
  return out;
}

namespace {

// A CSV field: quoted when it holds a comma, a quote or a line break; a leading =, +, -, @
// is prefixed with ' so a spreadsheet does not run it as a formula.
std::string CsvField(std::string s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

std::string ReconciliationCsv(const Reconciliation& r, const std::map<std::string, std::string>& agency_names) {
  std::string out = "MaThamChieu,SoTienHeThong,SoTienDoiTac,KetQua,MaNganHang,DonVi,Ngay,MaLoaiGiaoDich\r\n";
  for (const auto& l : r.lines) {
    auto name = agency_names.find(l.agency);
    out += CsvField(l.reference) + "," + std::to_string(l.ours) + "," + std::to_string(l.theirs) + "," + l.outcome + "," +
           CsvField(l.provider) + "," + CsvField(name != agency_names.end() ? name->second : l.agency) + "," + l.day + "," + CsvField(l.type_code) + "\r\n";
  }
  return out;
}

}  // namespace motcua::payment
