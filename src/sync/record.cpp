#include "sync/record.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <set>

#include "crypto/sha256.hpp"

namespace motcua::sync {

namespace json = boost::json;

namespace {

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Num(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string Str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->value().is_string()) return std::string(it->value().as_string());
  return {};
}

// An integer field that may arrive as a number or as a numeric string (the legacy adapter
// sends strings); nullopt when absent, kBad when present but not an integer.
constexpr std::int64_t kBad = INT64_MIN;
std::optional<std::int64_t> Int(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() < (1ull << 62)) return static_cast<std::int64_t>(it->value().as_uint64());
  if (it->value().is_string()) {
    auto s = it->value().as_string();
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && p == s.data() + s.size() && !s.empty()) return v;
  }
  return kBad;
}

void Text(const json::object& o, std::string_view key, std::size_t max, bool required, std::vector<RecordError>& errors) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null() || (it->value().is_string() && it->value().as_string().empty())) {
    if (required) errors.push_back({std::string(key), "Thiếu trường bắt buộc. / The field is required."});
    return;
  }
  if (!it->value().is_string()) {
    errors.push_back({std::string(key), "Phải là chuỗi. / Must be a string."});
  } else if (it->value().as_string().size() > max) {
    errors.push_back({std::string(key), "Quá dài (tối đa " + std::to_string(max) + " byte). / Too long (" + std::to_string(max) + " bytes at most)."});
  }
}

void Range(const json::object& o, std::string_view key, std::int64_t lo, std::int64_t hi, bool required,
           std::vector<RecordError>& errors) {
  auto v = Int(o, key);
  if (!v) {
    if (required) errors.push_back({std::string(key), "Thiếu trường bắt buộc. / The field is required."});
    return;
  }
  if (*v == kBad || *v < lo || *v > hi) {
    errors.push_back({std::string(key), "Phải là số nguyên từ " + std::to_string(lo) + " đến " + std::to_string(hi) +
                                            ". / Must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + "."});
  }
}

void Time(const json::object& o, std::string_view key, bool required, std::vector<RecordError>& errors) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null() || (it->value().is_string() && it->value().as_string().empty())) {
    if (required) errors.push_back({std::string(key), "Thiếu trường bắt buộc. / The field is required."});
    return;
  }
  if (!it->value().is_string() || !ValidNationalTime(it->value().as_string())) {
    errors.push_back({std::string(key), "Thời điểm phải có dạng yyyyMMddHHmmss. / Must be a yyyyMMddHHmmss time."});
  }
}

// A list of the record (TaiLieuNop, DanhSachLePhi…): absent, null or an array of at most
// `max` objects whose `texts` are strings (≤ 2000 bytes), `ints` integers within [0, hi] and
// `times` national times.
struct ListRule {
  std::string_view key;
  std::size_t max;
  std::vector<std::string_view> texts;
  std::vector<std::pair<std::string_view, std::int64_t>> ints;
  std::vector<std::string_view> times;
};

void List(const json::object& o, const ListRule& rule, std::vector<RecordError>& errors) {
  auto it = o.find(rule.key);
  if (it == o.end() || it->value().is_null()) return;
  std::string key(rule.key);
  if (!it->value().is_array()) {
    errors.push_back({key, "Phải là một mảng. / Must be an array."});
    return;
  }
  const auto& a = it->value().as_array();
  if (a.size() > rule.max) {
    errors.push_back({key, "Quá nhiều mục (tối đa " + std::to_string(rule.max) + "). / Too many items (" + std::to_string(rule.max) + " at most)."});
    return;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string at = key + "/" + std::to_string(i);
    if (!a[i].is_object()) {
      errors.push_back({at, "Mỗi mục phải là một đối tượng. / Each item must be an object."});
      continue;
    }
    const auto& item = a[i].as_object();
    for (auto t : rule.texts) {
      auto f = item.find(t);
      if (f == item.end() || f->value().is_null()) continue;
      if (!f->value().is_string() || f->value().as_string().size() > 2000) {
        errors.push_back({at + "/" + std::string(t), "Phải là chuỗi tối đa 2000 byte. / Must be a string of 2000 bytes at most."});
      }
    }
    for (const auto& [n, hi] : rule.ints) {
      std::vector<RecordError> more;
      Range(item, n, 0, hi, false, more);
      for (auto& e : more) errors.push_back({at + "/" + e.field, e.message});
    }
    for (auto t : rule.times) {
      std::vector<RecordError> more;
      Time(item, t, false, more);
      for (auto& e : more) errors.push_back({at + "/" + e.field, e.message});
    }
  }
}

// The lists of DongBoHoSoMC (DOMAIN.md §2.6) and the shapes of their items.
const std::vector<ListRule>& DossierLists() {
  static const std::vector<ListRule> rules{
      {"DinhDanhCHS", 20, {"SoDinhDanh"}, {{"LoaiDinhDanh", 99}}, {}},
      {"TaiLieuNop", 500,
       {"TepDinhKemId", "TenTepDinhKem", "MaThanhPhanHoSo", "DuongDanTaiTepTin", "MaKetQuaThayThe"},
       {{"DuocSoHoa", 3}, {"DuocTaiSuDung", 1}, {"DuocLayTuKhoDMQG", 1}}, {}},
      {"DanhSachLePhi", 100, {"TenPhiLePhi", "MaPhiLePhi", "LoaiPhiLePhi"}, {{"HinhThucThu", 9}, {"Gia", 1'000'000'000'000}}, {}},
      {"DanhSachTepDinhKemKhac", 100, {"TenGiayTo", "LoaiGiayTo"}, {{"SoLuong", 10000}}, {}},
      {"DanhSachHoSoBoSung", 50,
       {"HoSoBoSungId", "NguoiYeuCauBoSung", "NoiDungBoSung", "NguoiTiepNhanBoSung", "ThongTinTiepNhan"},
       {{"TrangThaiBoSung", 9}},
       {"NgayBoSung", "NgayTiepNhanBoSung", "NgayHenTraTruoc", "NgayHenTraMoi"}},
      {"DanhSachGiayToKetQua", 100, {"TenGiayTo", "MaThanhPhanHoSo", "GiayToId", "DuongDanTepTinKetQua", "MaGiayToKetQua"}, {}, {}},
  };
  return rules;
}

void Code(const json::object& o, std::string_view member, std::vector<RecordError>& errors) {
  auto code = Str(o, "MaHoSo");
  if (code.empty()) {
    errors.push_back({"MaHoSo", "Thiếu mã hồ sơ. / MaHoSo is required."});
  } else if (code.size() > 64) {
    errors.push_back({"MaHoSo", "Mã hồ sơ quá dài. / MaHoSo is too long."});
  } else if (!CodeBelongsTo(code, member)) {
    errors.push_back({"MaHoSo", "Mã hồ sơ không thuộc đơn vị gửi (" + std::string(member) + "). / The dossier code is not one of the sender's (" +
                                    std::string(member) + ")."});
  }
}

}  // namespace

bool ValidMemberCode(std::string_view code) {
  if (code.empty() || code.size() > 35 || code.front() == '.' || code.back() == '.') return false;
  return std::all_of(code.begin(), code.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '.'; });
}

std::string SubjectFor(std::string_view member) {
  std::string out(kSubjectPrefix);
  for (char c : member) out.push_back(c == '.' ? '_' : c);
  return out;
}

std::string MemberOfSubject(std::string_view subject) {
  if (!subject.starts_with(kSubjectPrefix)) return {};
  std::string out(subject.substr(kSubjectPrefix.size()));
  for (char& c : out) {
    if (c == '.') return {};  // a deeper subject is not a member's
    if (c == '_') c = '.';
  }
  return ValidMemberCode(out) ? out : std::string();
}

std::string NationalTime(std::string_view utc) {
  // YYYY-MM-DDTHH:MM:SS[.mmm]Z
  if (utc.size() < 20 || utc[4] != '-' || utc[7] != '-' || utc[10] != 'T' || utc[13] != ':' || utc[16] != ':' || utc.back() != 'Z') return {};
  std::string_view parts[] = {utc.substr(0, 4), utc.substr(5, 2), utc.substr(8, 2), utc.substr(11, 2), utc.substr(14, 2), utc.substr(17, 2)};
  for (auto p : parts) {
    if (!Digits(p)) return {};
  }
  using namespace std::chrono;
  year_month_day ymd{year{Num(parts[0])}, month{static_cast<unsigned>(Num(parts[1]))}, day{static_cast<unsigned>(Num(parts[2]))}};
  if (!ymd.ok()) return {};
  // Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving).
  auto t = sys_days{ymd} + hours{Num(parts[3])} + minutes{Num(parts[4])} + seconds{Num(parts[5])} + hours{7};
  auto d = floor<days>(t);
  year_month_day local{d};
  hh_mm_ss hms{t - d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02d%02d%02d", static_cast<int>(local.year()), static_cast<unsigned>(local.month()),
                static_cast<unsigned>(local.day()), static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

bool ValidNationalTime(std::string_view s) {
  if (s.size() != 14 || !Digits(s)) return false;
  using namespace std::chrono;
  year_month_day ymd{year{Num(s.substr(0, 4))}, month{static_cast<unsigned>(Num(s.substr(4, 2)))}, day{static_cast<unsigned>(Num(s.substr(6, 2)))}};
  return ymd.ok() && Num(s.substr(0, 4)) >= 1990 && Num(s.substr(8, 2)) < 24 && Num(s.substr(10, 2)) < 60 && Num(s.substr(12, 2)) < 60;
}

bool CodeBelongsTo(std::string_view code, std::string_view member) {
  // <agency>-<YYMMDD>-<NNNN…>: the agency e-ID itself contains no '-'.
  auto first = code.find('-');
  if (first == std::string_view::npos || first == 0) return false;
  auto rest = code.substr(first + 1);
  auto second = rest.find('-');
  if (second != 6 || !Digits(rest.substr(0, 6)) || rest.size() < 8 || !Digits(rest.substr(7))) return false;
  auto agency = code.substr(0, first);
  if (agency == member) return true;
  auto dot = agency.rfind('.');
  return dot != std::string_view::npos && agency.substr(dot + 1) == member;
}

std::vector<RecordError> CheckDossierRecord(const json::object& r, std::string_view member) {
  std::vector<RecordError> errors;
  Code(r, member, errors);
  Text(r, "MaTTHC", 32, true, errors);
  Text(r, "TenTTHC", 1000, false, errors);
  Text(r, "MaLinhVuc", 64, false, errors);
  Text(r, "TenLinhVuc", 500, false, errors);
  Range(r, "KenhThucHien", 1, 3, false, errors);
  Text(r, "ChuHoSo", 300, false, errors);
  Text(r, "SoGiayToChuHoSo", 64, false, errors);
  Range(r, "LoaiDoiTuong", 0, 9, false, errors);
  Text(r, "TrichYeuHoSo", 2000, false, errors);
  Text(r, "DonViXuLy", 500, false, errors);
  Range(r, "TrangThaiHoSo", 1, 10, true, errors);
  for (auto key : {"NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy", "NgayTuChoi"}) Time(r, key, false, errors);
  Range(r, "HoSoCoThanhPhanSoHoa", 0, 1, false, errors);
  Range(r, "DuocThanhToanTrucTuyen", 0, 1, false, errors);
  Range(r, "HinhThuc", 0, 1, false, errors);
  Range(r, "TaiKhoanDuocXacThucVoiVNeID", 0, 1, false, errors);
  Text(r, "NoiNopHoSo", 500, false, errors);
  for (const auto& rule : DossierLists()) List(r, rule, errors);
  return errors;
}

std::vector<RecordError> CheckProgressRecord(const json::object& r, std::string_view member) {
  std::vector<RecordError> errors;
  Code(r, member, errors);
  Text(r, "NguoiXuLy", 300, false, errors);
  Text(r, "ChucDanh", 300, false, errors);
  Text(r, "PhongBanXuLy", 500, false, errors);
  Text(r, "NoiDungXuLy", 2000, false, errors);
  Range(r, "TrangThai", 1, 10, true, errors);
  Time(r, "ThoiDiemXuLy", true, errors);
  Time(r, "NgayBatDau", false, errors);
  Time(r, "NgayKetThucTheoQuyDinh", false, errors);
  return errors;
}

std::string ProgressKey(const json::object& record, std::optional<std::int64_t> seq) {
  if (seq) return "seq:" + std::to_string(*seq);
  return "sha256:" + crypto::Sha256::Hex(json::serialize(record));
}

namespace {

json::value TimeOrNull(const std::string& utc) {
  auto t = NationalTime(utc);
  return t.empty() ? json::value(nullptr) : json::value(t);
}

int Channel(const std::string& channel) {
  if (channel == "in_person") return 1;
  if (channel == "post") return 3;
  return 2;  // online
}

const json::array* ArrayOf(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}
const json::object* ObjectOf(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}
json::value LocalTimeOrNull(const json::object& o, std::string_view key) {
  auto t = NationalTimeOfLocal(Str(o, key));
  return t.empty() ? json::value(nullptr) : json::value(t);
}

// body.documents: [{code, name, attachments: [{id, name, size, content_type}]}]. Every file
// the applicant gave is an electronic component (DuocSoHoa 1); nothing is reused from the
// national document store yet.
json::array SubmittedFiles(const json::object& body, const std::string& file_url) {
  json::array out;
  const json::array* docs = ArrayOf(body, "documents");
  if (docs == nullptr) return out;
  for (const auto& d : *docs) {
    if (!d.is_object()) continue;
    const json::array* files = ArrayOf(d.as_object(), "attachments");
    if (files == nullptr) continue;
    for (const auto& a : *files) {
      if (!a.is_object()) continue;
      std::string id = Str(a.as_object(), "id");
      out.push_back(json::object{{"TepDinhKemId", id},
                                 {"TenTepDinhKem", Str(a.as_object(), "name")},
                                 {"IsDeleted", false},
                                 {"MaThanhPhanHoSo", Str(d.as_object(), "code")},
                                 {"DuongDanTaiTepTin", file_url + id},
                                 {"DuocSoHoa", 1},
                                 {"DuocTaiSuDung", 0},
                                 {"DuocLayTuKhoDMQG", 0},
                                 {"MaKetQuaThayThe", ""}});
    }
  }
  return out;
}

std::int64_t Amount(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return 0;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<std::int64_t>(it->value().as_double());
  return 0;
}

// The fees chosen at submission (body.fees: [{code, amount, kind, description}], collected at
// receipt: HinhThucThu 1) and the items of payment requests paid through the payment platform
// ([{kind, code, name, amount}]) not already listed. Paid online when any request was paid.
std::pair<json::array, bool> Fees(const json::object& body, const std::string& paid_items) {
  json::array out;
  std::set<std::string> codes;
  if (const json::array* fees = ArrayOf(body, "fees")) {
    for (const auto& v : *fees) {
      if (!v.is_object()) continue;
      const auto& f = v.as_object();
      codes.insert(Str(f, "code"));
      out.push_back(json::object{{"TenPhiLePhi", Str(f, "description")}, {"MaPhiLePhi", Str(f, "code")}, {"HinhThucThu", 1},
                                 {"Gia", Amount(f, "amount")}, {"LoaiPhiLePhi", Str(f, "kind")}});
    }
  }
  bool paid = false;
  if (!paid_items.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(paid_items, ec);
    if (!ec && v.is_array()) {
      for (const auto& request : v.as_array()) {
        if (!request.is_array()) continue;
        paid = true;
        for (const auto& item : request.as_array()) {
          if (!item.is_object()) continue;
          const auto& i = item.as_object();
          if (!Str(i, "code").empty() && !codes.insert(Str(i, "code")).second) continue;
          out.push_back(json::object{{"TenPhiLePhi", Str(i, "name")}, {"MaPhiLePhi", Str(i, "code")}, {"HinhThucThu", 1},
                                     {"Gia", Amount(i, "amount")}, {"LoaiPhiLePhi", Str(i, "kind")}});
        }
      }
    }
  }
  return {std::move(out), paid};
}

// body.supplement: the request (Decree 61/2018 Art. 15 allows one per dossier) and, once the
// applicant answered, when. TrangThaiBoSung: 0 requested, 1 supplemented.
json::array Supplements(const json::object& body, const DossierFacts& f) {
  json::array out;
  const json::object* s = ObjectOf(body, "supplement");
  if (s == nullptr) return out;
  json::array papers;
  if (const json::array* docs = ArrayOf(*s, "documents")) {
    for (const auto& d : *docs) {
      if (d.is_string()) papers.push_back(json::object{{"MaThanhPhanHoSo", d.as_string()}});
    }
  }
  bool answered = !Str(*s, "resubmitted_at").empty();
  out.push_back(json::object{{"HoSoBoSungId", f.dossier_id + ":" + std::to_string(std::max<std::int64_t>(f.supplements, 1))},
                             {"NguoiYeuCauBoSung", Str(*s, "requested_by")},
                             {"NoiDungBoSung", Str(*s, "reason")},
                             {"NgayBoSung", LocalTimeOrNull(*s, "requested_at")},
                             {"NguoiTiepNhanBoSung", ""},
                             {"ThongTinTiepNhan", ""},
                             {"NgayTiepNhanBoSung", LocalTimeOrNull(*s, "resubmitted_at")},
                             {"TrangThaiBoSung", answered ? 1 : 0},
                             {"DanhSachGiayToBoSung", std::move(papers)},
                             {"DanhSachLePhiBoSung", json::array{}},
                             {"NgayHenTraTruoc", LocalTimeOrNull(*s, "previous_due_at")},
                             {"NgayHenTraMoi", answered ? TimeOrNull(f.due_at) : json::value(nullptr)}});
  return out;
}

// body.results: [{name, number, issued_at, issued_by, electronic, attachments: [{id, name}]}];
// one entry per file, or one without a file for a paper result.
json::array Results(const json::object& body, const std::string& file_url) {
  json::array out;
  const json::array* results = ArrayOf(body, "results");
  if (results == nullptr) return out;
  for (const auto& v : *results) {
    if (!v.is_object()) continue;
    const auto& r = v.as_object();
    const json::array* files = ArrayOf(r, "attachments");
    bool any = false;
    if (files != nullptr) {
      for (const auto& a : *files) {
        if (!a.is_object()) continue;
        std::string id = Str(a.as_object(), "id");
        out.push_back(json::object{{"TenGiayTo", Str(r, "name")}, {"MaThanhPhanHoSo", ""}, {"GiayToId", id},
                                   {"DuongDanTepTinKetQua", file_url + id}, {"MaGiayToKetQua", Str(r, "number")}});
        any = true;
      }
    }
    if (!any) {
      out.push_back(json::object{{"TenGiayTo", Str(r, "name")}, {"MaThanhPhanHoSo", ""}, {"GiayToId", ""},
                                 {"DuongDanTepTinKetQua", ""}, {"MaGiayToKetQua", Str(r, "number")}});
    }
  }
  return out;
}

}  // namespace

std::string NationalTimeOfLocal(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS+07:00
  if (s.size() < 25 || s.substr(19) != "+07:00") return {};
  std::string out;
  for (std::size_t i = 0; i < 19; ++i) {
    if (s[i] >= '0' && s[i] <= '9') out.push_back(s[i]);
  }
  return ValidNationalTime(out) ? out : std::string();
}

json::object DossierRecord(const DossierFacts& f) {
  json::object r;
  r["MaHoSo"] = f.code;
  r["MaTTHC"] = f.procedure_code;
  r["TenTTHC"] = f.procedure_name;
  r["KenhThucHien"] = Channel(f.channel);
  r["ChuHoSo"] = f.applicant_name;
  r["SoGiayToChuHoSo"] = f.applicant_id_number;
  r["LoaiDoiTuong"] = 1;
  r["TrichYeuHoSo"] = f.summary;
  r["NgayNopHoSo"] = TimeOrNull(f.submitted_at);
  r["NgayTiepNhan"] = TimeOrNull(f.received_at);
  r["NgayHenTra"] = TimeOrNull(f.due_at);
  r["TrangThaiHoSo"] = f.status;
  r["NgayTra"] = TimeOrNull(f.returned_at);
  r["NgayKetThucXuLy"] = TimeOrNull(f.finished_at);
  // Refused at receipt (3) or stopped after appraisal (8): the day it ended is the refusal day.
  r["NgayTuChoi"] = f.status == 3 || f.status == 8 ? TimeOrNull(f.finished_at.empty() ? f.event_at : f.finished_at) : json::value(nullptr);
  r["DonViXuLy"] = f.handling_agency_name;
  r["MaLinhVuc"] = f.field_code;
  r["TenLinhVuc"] = f.field_name;
  json::object body;
  if (!f.body.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(f.body, ec);
    if (!ec && v.is_object()) body = std::move(v.as_object());
  }
  json::array files = SubmittedFiles(body, f.file_url);
  r["HoSoCoThanhPhanSoHoa"] = files.empty() ? 0 : 1;
  r["TaiLieuNop"] = std::move(files);
  auto [fees, paid_online] = Fees(body, f.paid_items);
  r["DanhSachLePhi"] = std::move(fees);
  r["DuocThanhToanTrucTuyen"] = paid_online ? 1 : 0;
  r["DanhSachHoSoBoSung"] = Supplements(body, f);
  r["DanhSachGiayToKetQua"] = Results(body, f.file_url);
  // Where it was submitted: the receiving agency (online dossiers too: the agency they went to).
  if (!f.submitted_to_name.empty()) r["NoiNopHoSo"] = f.submitted_to_name;
  // An account identified at level 2 (VNeID level 2, Decree 59/2022) submitted it.
  r["TaiKhoanDuocXacThucVoiVNeID"] = f.owner_assurance >= 2 ? 1 : 0;
  // Result delivery (0 in person, 1 by post) where the procedure's e-form asks for it
  // (hinh_thuc_nhan); an electronic copy on VNeID has no national code, so nothing is sent.
  if (const json::object* form = ObjectOf(body, "form")) {
    std::string how = Str(*form, "hinh_thuc_nhan");
    if (how == "truc_tiep") r["HinhThuc"] = 0;
    if (how == "buu_chinh") r["HinhThuc"] = 1;
  }
  json::array ids;
  if (!f.applicant_id_number.empty()) ids.push_back(json::object{{"LoaiDinhDanh", 1}, {"SoDinhDanh", f.applicant_id_number}});
  r["DinhDanhCHS"] = std::move(ids);
  return r;
}

json::object ProgressRecord(const DossierFacts& f) {
  json::object r;
  r["MaHoSo"] = f.code;
  r["NguoiXuLy"] = f.actor_name.empty() ? std::string("Hệ thống") : f.actor_name;
  r["ChucDanh"] = f.actor_role;
  r["ThoiDiemXuLy"] = NationalTime(f.event_at);
  r["PhongBanXuLy"] = f.event_agency_name;
  r["NoiDungXuLy"] = f.note.empty() ? f.action : f.action + ": " + f.note;
  r["TrangThai"] = f.event_status;
  r["NgayBatDau"] = TimeOrNull(f.step_started_at.empty() ? f.event_at : f.step_started_at);
  r["NgayKetThucTheoQuyDinh"] = TimeOrNull(f.step_due_at.empty() ? f.due_at : f.step_due_at);
  return r;
}

json::object EventMessage(std::string_view member, const std::string& event_id, const DossierFacts& f) {
  return json::object{{"madonvi", member},
                      {"event_id", event_id},
                      {"seq", f.seq},
                      {"at", f.event_at},
                      {kDossierService, DossierRecord(f)},
                      {kProgressService, ProgressRecord(f)}};
}

}  // namespace motcua::sync
