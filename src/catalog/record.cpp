#include "catalog/record.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <regex>

namespace motcua::catalog {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxText = 20000;   // characters of one text field
constexpr std::size_t kMaxItems = 500;    // entries of one list

class Reader {
 public:
  explicit Reader(std::vector<RecordError>& errors) : errors_(errors) {}

  void Fail(const std::string& pointer, std::string message) { errors_.push_back({pointer, std::move(message)}); }

  // A text field: a string (numbers are accepted and written as text, as some exports do).
  std::string Text(const json::object& o, std::string_view key, const std::string& at, bool required = false,
                   std::size_t max = kMaxText) {
    const json::value* v = o.if_contains(key);
    std::string pointer = at + "/" + std::string(key);
    if (v == nullptr || v->is_null()) {
      if (required) Fail(pointer, "Bắt buộc nhập. / Required.");
      return {};
    }
    std::string out;
    if (v->is_string()) {
      out = std::string(v->as_string());
    } else if (v->is_int64() || v->is_uint64() || v->is_double()) {
      out = json::serialize(*v);
    } else {
      Fail(pointer, "Phải là chuỗi ký tự. / Must be a string.");
      return {};
    }
    if (out.size() > max * 4 || CodePoints(out) > max) {
      Fail(pointer, "Quá dài (tối đa " + std::to_string(max) + " ký tự). / Too long (at most " + std::to_string(max) +
                        " characters).");
      return {};
    }
    if (required && Trim(out).empty()) Fail(pointer, "Bắt buộc nhập. / Required.");
    return out;
  }

  // A number: JSON number or a numeric string. nullopt (with an error) otherwise.
  std::optional<double> Number(const json::object& o, std::string_view key, const std::string& at, bool required) {
    const json::value* v = o.if_contains(key);
    std::string pointer = at + "/" + std::string(key);
    if (v == nullptr || v->is_null() || (v->is_string() && v->as_string().empty())) {
      if (required) Fail(pointer, "Bắt buộc nhập. / Required.");
      return std::nullopt;
    }
    if (v->is_int64()) return static_cast<double>(v->as_int64());
    if (v->is_uint64()) return static_cast<double>(v->as_uint64());
    if (v->is_double()) return v->as_double();
    if (v->is_string()) {
      std::string s(v->as_string());
      static const std::regex kNumber(R"(-?\d{1,15}(\.\d{1,6})?)");
      if (std::regex_match(s, kNumber)) return std::stod(s);
    }
    Fail(pointer, "Phải là số. / Must be a number.");
    return std::nullopt;
  }

  const json::array* Array(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_array()) {
      Fail(at + "/" + std::string(key), "Phải là một danh sách. / Must be an array.");
      return nullptr;
    }
    if (v->as_array().size() > kMaxItems) {
      Fail(at + "/" + std::string(key), "Quá nhiều mục. / Too many entries.");
      return nullptr;
    }
    return &v->as_array();
  }

  const json::object* Object(const json::value& v, const std::string& pointer) {
    if (!v.is_object()) {
      Fail(pointer, "Phải là một đối tượng. / Must be an object.");
      return nullptr;
    }
    return &v.as_object();
  }

  static std::size_t CodePoints(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  }
  static std::string Trim(std::string s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
  }

 private:
  std::vector<RecordError>& errors_;
};

std::string UnitOf(const std::string& text) {
  std::string t = Reader::Trim(text);
  std::string lower;
  for (char c : t) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (t.empty() || t == "Ngày làm việc" || t == "ngày làm việc" || lower == "working_days") return "working_days";
  if (t == "Ngày" || t == "ngày" || lower == "days") return "days";
  if (t == "Giờ" || t == "giờ" || lower == "hours") return "hours";
  if (t == "Giờ làm việc" || t == "giờ làm việc" || lower == "working_hours") return "working_hours";
  return {};
}

std::vector<NamedCode> NamedList(Reader& r, const json::object& o, std::string_view key, std::string_view code_key,
                                 std::string_view name_key, const std::string& at) {
  std::vector<NamedCode> out;
  const json::array* a = r.Array(o, key, at);
  if (a == nullptr) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    std::string p = at + "/" + std::string(key) + "/" + std::to_string(i);
    if ((*a)[i].is_string()) {  // some exports list names only
      out.push_back({"", std::string((*a)[i].as_string())});
      continue;
    }
    const json::object* item = r.Object((*a)[i], p);
    if (item == nullptr) continue;
    out.push_back({r.Text(*item, code_key, p, false, 200), r.Text(*item, name_key, p, false, 2000)});
  }
  return out;
}

}  // namespace

std::string LevelName(std::string_view text) {
  std::string t(text);
  if (t == "Cấp Bộ" || t == "Cấp Trung ương" || t == "central") return "central";
  if (t == "Cấp Tỉnh" || t == "province") return "province";
  if (t == "Cấp Huyện" || t == "district") return "district";
  if (t == "Cấp Xã" || t == "commune") return "commune";
  return {};
}

std::string_view LevelText(std::string_view level, bool english) {
  if (level == "central") return english ? "Central" : "Cấp Bộ";
  if (level == "province") return english ? "Province" : "Cấp Tỉnh";
  if (level == "district") return english ? "District" : "Cấp Huyện";
  if (level == "commune") return english ? "Commune" : "Cấp Xã";
  return level;
}

std::string_view UnitText(std::string_view unit, bool english) {
  if (unit == "working_days") return english ? "working days" : "ngày làm việc";
  if (unit == "days") return english ? "days" : "ngày";
  if (unit == "hours") return english ? "hours" : "giờ";
  if (unit == "working_hours") return english ? "working hours" : "giờ làm việc";
  return unit;
}

Parsed ParseRecord(const json::object& o) {
  Parsed out;
  Reader r(out.errors);
  Procedure p;
  const std::string at;
  p.code = r.Text(o, "MATTHC", at, true, 20);
  static const std::regex kCode(R"(\d\.\d{6})");
  if (!p.code.empty() && !std::regex_match(p.code, kCode)) {
    r.Fail("/MATTHC", "Mã thủ tục có dạng d.dddddd, ví dụ 1.001193. / The code looks like d.dddddd, e.g. 1.001193.");
  }
  p.name = r.Text(o, "TENTTHC", at, true, 1000);
  p.name_en = r.Text(o, "TENTTHC_EN", at, false, 1000);
  p.description = r.Text(o, "MOTA", at);
  p.description_en = r.Text(o, "MOTA_EN", at);
  p.keywords = r.Text(o, "TUKHOA", at, false, 2000);
  p.requirements = r.Text(o, "YEUCAU", at);
  p.subjects_text = r.Text(o, "MOTADOITUONGTHUCHIEN", at);
  p.publisher_code = r.Text(o, "MACOQUANCONGBO", at, false, 100);
  p.decision_number = r.Text(o, "SOQUYETDINHCONGBO", at, false, 100);
  p.decision_date = r.Text(o, "NGAYQUYETDINHCONGBO", at, false, 10);
  static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
  if (!p.decision_date.empty() && !std::regex_match(p.decision_date, kDate)) {
    r.Fail("/NGAYQUYETDINHCONGBO", "Ngày có dạng YYYY-MM-DD. / A date looks like YYYY-MM-DD.");
  }
  if (auto status = r.Text(o, "TRANGTHAI", at, false, 20); !status.empty()) {
    if (status == "draft" || status == "published" || status == "suspended" || status == "repealed") {
      p.status = status;
    } else if (status == "1") {
      p.status = "published";  // the national service's "in force"
    } else {
      r.Fail("/TRANGTHAI", "Trạng thái phải là draft, published, suspended hoặc repealed. / The status must be draft, "
                           "published, suspended or repealed.");
    }
  }
  p.service_class = r.Text(o, "DICHVUCONG", at, false, 20);
  if (!p.service_class.empty() && p.service_class != "info_only" && p.service_class != "partial_online" &&
      p.service_class != "full_online") {
    r.Fail("/DICHVUCONG", "Phải là info_only, partial_online hoặc full_online. / Must be info_only, partial_online or "
                          "full_online.");
  }
  if (auto level = r.Number(o, "MUCDO", at, false)) {
    if (*level != std::floor(*level) || *level < 1 || *level > 4) {
      r.Fail("/MUCDO", "Mức độ là số nguyên từ 1 đến 4. / The level is a whole number from 1 to 4.");
    } else {
      p.level = static_cast<int>(*level);
    }
  }
  if (p.service_class.empty()) {
    p.service_class = p.level >= 4 ? "full_online" : p.level == 3 ? "partial_online" : "info_only";
  }
  if (const json::array* levels = r.Array(o, "CAPTHUCHIEN", at)) {
    for (std::size_t i = 0; i < levels->size(); ++i) {
      const json::value& v = (*levels)[i];
      std::string text = v.is_string() ? std::string(v.as_string())
                         : v.is_object() && v.as_object().contains("TENCAP") && v.as_object().at("TENCAP").is_string()
                             ? std::string(v.as_object().at("TENCAP").as_string())
                             : std::string();
      std::string name = LevelName(text);
      if (name.empty()) {
        r.Fail("/CAPTHUCHIEN/" + std::to_string(i), "Cấp thực hiện phải là Cấp Bộ, Cấp Tỉnh, Cấp Huyện hoặc Cấp Xã. / "
                                                    "The level must be Cấp Bộ, Cấp Tỉnh, Cấp Huyện or Cấp Xã.");
      } else if (std::find(p.levels.begin(), p.levels.end(), name) == p.levels.end()) {
        p.levels.push_back(name);
      }
    }
  }
  p.fields = NamedList(r, o, "LINHVUCTHUCHIEN", "MALINHVUC", "TENLINHVUC", at);
  if (const json::array* subjects = r.Array(o, "DOITUONGTHUCHIEN", at)) {
    for (const auto& s : *subjects) {
      if (s.is_string()) p.subjects.emplace_back(s.as_string());
      else if (s.is_object() && s.as_object().contains("TENDOITUONG") && s.as_object().at("TENDOITUONG").is_string())
        p.subjects.emplace_back(s.as_object().at("TENDOITUONG").as_string());
    }
  }

  // Channels: durations and fees per channel.
  if (const json::array* channels = r.Array(o, "CACHTHUCTHUCHIEN", at)) {
    for (std::size_t i = 0; i < channels->size(); ++i) {
      std::string pc = "/CACHTHUCTHUCHIEN/" + std::to_string(i);
      const json::object* c = r.Object((*channels)[i], pc);
      if (c == nullptr) continue;
      ChannelOption option;
      auto kenh = r.Number(*c, "KENH", pc, true);
      if (kenh && (*kenh != 1 && *kenh != 2 && *kenh != 3)) {
        r.Fail(pc + "/KENH", "Kênh là 1 (trực tiếp), 2 (trực tuyến) hoặc 3 (bưu chính). / The channel is 1 (in person), "
                             "2 (online) or 3 (post).");
      }
      option.channel = kenh ? static_cast<int>(*kenh) : 0;
      if (const json::array* times = r.Array(*c, "THOIGIAN", pc)) {
        for (std::size_t j = 0; j < times->size(); ++j) {
          std::string pt = pc + "/THOIGIAN/" + std::to_string(j);
          const json::object* t = r.Object((*times)[j], pt);
          if (t == nullptr) continue;
          Duration d;
          if (auto value = r.Number(*t, "THOIGIANGIAIQUYET", pt, false)) {
            if (*value < 0 || *value > 3650) r.Fail(pt + "/THOIGIANGIAIQUYET", "Thời hạn từ 0 đến 3650. / The time limit is 0 to 3650.");
            d.value = *value;
          }
          std::string unit_text = r.Text(*t, "DONVITINH", pt, false, 50);
          d.unit = UnitOf(unit_text);
          if (d.unit.empty()) {
            r.Fail(pt + "/DONVITINH", "Đơn vị phải là Ngày làm việc, Ngày, Giờ hoặc Giờ làm việc. / The unit must be Ngày "
                                      "làm việc, Ngày, Giờ or Giờ làm việc.");
          }
          d.description = r.Text(*t, "MOTA", pt);
          if (const json::array* fees = r.Array(*t, "PHILEPHI", pt)) {
            for (std::size_t k = 0; k < fees->size(); ++k) {
              std::string pf = pt + "/PHILEPHI/" + std::to_string(k);
              const json::object* f = r.Object((*fees)[k], pf);
              if (f == nullptr) continue;
              Fee fee;
              fee.code = r.Text(*f, "MAPHILEPHI", pf, false, 100);
              if (auto amount = r.Number(*f, "SOTIEN", pf, true)) {
                if (*amount < 0 || *amount != std::floor(*amount) || *amount > 1e13) {
                  r.Fail(pf + "/SOTIEN", "Số tiền là số nguyên đồng, không âm. / The amount is a whole, non-negative number "
                                         "of dong.");
                } else {
                  fee.amount = static_cast<std::int64_t>(*amount);
                }
              }
              std::string kind = r.Text(*f, "LOAIPHILEPHI", pf, false, 10);
              if (kind == "PHI") fee.kind = "phi";
              else if (kind == "LEPHI") fee.kind = "le_phi";
              else if (!kind.empty()) r.Fail(pf + "/LOAIPHILEPHI", "Phải là PHI hoặc LEPHI. / Must be PHI or LEPHI.");
              fee.description = r.Text(*f, "MOTA", pf);
              d.fees.push_back(std::move(fee));
            }
          }
          option.durations.push_back(std::move(d));
        }
      }
      p.channels.push_back(std::move(option));
    }
  }

  // Cases: steps (TRINHTUTHUCHIEN) and documents (THANHPHANHOSO) joined by TRUONGHOP.
  auto case_named = [&](const std::string& name) -> Case& {
    for (auto& c : p.cases) {
      if (c.name == name) return c;
    }
    p.cases.push_back(Case{name, {}, {}});
    return p.cases.back();
  };
  if (const json::array* steps = r.Array(o, "TRINHTUTHUCHIEN", at)) {
    for (std::size_t i = 0; i < steps->size(); ++i) {
      std::string ps = "/TRINHTUTHUCHIEN/" + std::to_string(i);
      const json::object* s = r.Object((*steps)[i], ps);
      if (s == nullptr) continue;
      Case& c = case_named(r.Text(*s, "TRUONGHOP", ps, false, 2000));
      if (const json::array* list = r.Array(*s, "TRINHTU", ps)) {
        for (std::size_t j = 0; j < list->size(); ++j) {
          std::string pj = ps + "/TRINHTU/" + std::to_string(j);
          const json::object* step = r.Object((*list)[j], pj);
          if (step != nullptr) c.steps.push_back(r.Text(*step, "TENTRINHTU", pj));
        }
      }
    }
  }
  if (const json::array* docs = r.Array(o, "THANHPHANHOSO", at)) {
    for (std::size_t i = 0; i < docs->size(); ++i) {
      std::string pd = "/THANHPHANHOSO/" + std::to_string(i);
      const json::object* d = r.Object((*docs)[i], pd);
      if (d == nullptr) continue;
      Case& c = case_named(r.Text(*d, "TRUONGHOP", pd, false, 2000));
      if (const json::array* list = r.Array(*d, "GIAYTO", pd)) {
        for (std::size_t j = 0; j < list->size(); ++j) {
          std::string pg = pd + "/GIAYTO/" + std::to_string(j);
          const json::object* g = r.Object((*list)[j], pg);
          if (g == nullptr) continue;
          Document doc;
          doc.code = r.Text(*g, "MAGIAYTO", pg, false, 100);
          doc.name = r.Text(*g, "TENGIAYTO", pg, true, 2000);
          doc.form_name = r.Text(*g, "TENMAUDON", pg, false, 500);
          doc.form_url = r.Text(*g, "URL", pg, false, 2000);
          doc.result_substitute = r.Text(*g, "MAKETQUATHAYTHE", pg, false, 100);
          for (auto [key, target] : {std::pair{"SOBANCHINH", &doc.originals}, std::pair{"SOBANSAO", &doc.copies}}) {
            if (auto n = r.Number(*g, key, pg, false)) {
              if (*n < 0 || *n != std::floor(*n) || *n > 100) {
                r.Fail(pg + "/" + key, "Số bản là số nguyên từ 0 đến 100. / The number of copies is a whole number from 0 to 100.");
              } else {
                *target = static_cast<int>(*n);
              }
            }
          }
          c.documents.push_back(std::move(doc));
        }
      }
    }
  }
  // Steps or papers listed without a case (TRUONGHOP "") apply to every named case.
  auto common = std::find_if(p.cases.begin(), p.cases.end(), [](const Case& c) { return c.name.empty(); });
  if (common != p.cases.end() && p.cases.size() > 1) {
    Case shared = std::move(*common);
    p.cases.erase(common);
    for (auto& c : p.cases) {
      if (c.steps.empty()) c.steps = shared.steps;
      c.documents.insert(c.documents.begin(), shared.documents.begin(), shared.documents.end());
    }
  }
  p.results = NamedList(r, o, "KETQUATHUCHIEN", "MAKETQUA", "TENKETQUA", at);
  p.legal_bases = NamedList(r, o, "CANCUPHAPLY", "SOVANBAN", "TENVANBAN", at);
  p.related = NamedList(r, o, "TTHCLIENQUAN", "MATTHC", "TENTTHC", at);
  p.linked = NamedList(r, o, "TTHCLIENTHONG", "MATTHC", "TENTTHC", at);
  p.implementing = NamedList(r, o, "COQUANTHUCHIEN", "MADONVI", "TENDONVI", at);
  p.competent = NamedList(r, o, "COQUANCOTHAMQUYEN", "MADONVI", "TENDONVI", at);
  p.authorised = NamedList(r, o, "COQUANDUOCUYQUYEN", "MADONVI", "TENDONVI", at);
  p.coordinating = NamedList(r, o, "COQUANPHOIHOP", "MADONVI", "TENDONVI", at);
  if (out.errors.empty()) out.procedure = std::move(p);
  return out;
}

namespace {

json::array NamedJson(const std::vector<NamedCode>& list) {
  json::array a;
  for (const auto& n : list) a.push_back(json::object{{"code", n.code}, {"name", n.name}});
  return a;
}

json::array Strings(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.push_back(json::string(s));
  return a;
}

}  // namespace

namespace {

std::string Escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

void DiffInto(const json::value& a, const json::value& b, const std::string& at, std::vector<Change>& out) {
  if (a.is_object() && b.is_object()) {
    const auto& ao = a.as_object();
    const auto& bo = b.as_object();
    std::vector<std::string> keys;
    for (const auto& [k, v] : ao) keys.emplace_back(k);
    for (const auto& [k, v] : bo) {
      if (!ao.contains(k)) keys.emplace_back(k);
    }
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
      std::string p = at + "/" + Escape(k);
      const json::value* x = ao.if_contains(k);
      const json::value* y = bo.if_contains(k);
      if (x == nullptr) out.push_back({p, "added", nullptr, *y});
      else if (y == nullptr) out.push_back({p, "removed", *x, nullptr});
      else DiffInto(*x, *y, p, out);
    }
    return;
  }
  if (a.is_array() && b.is_array()) {
    const auto& aa = a.as_array();
    const auto& ba = b.as_array();
    for (std::size_t i = 0; i < std::max(aa.size(), ba.size()); ++i) {
      std::string p = at + "/" + std::to_string(i);
      if (i >= aa.size()) out.push_back({p, "added", nullptr, ba[i]});
      else if (i >= ba.size()) out.push_back({p, "removed", aa[i], nullptr});
      else DiffInto(aa[i], ba[i], p, out);
    }
    return;
  }
  if (a != b) out.push_back({at, "changed", a, b});
}

}  // namespace

std::vector<Change> Diff(const json::value& a, const json::value& b) {
  std::vector<Change> out;
  DiffInto(a, b, "", out);
  return out;
}

std::string PublicationDeadline(const std::string& decision_date, bool by_ministry, const calendar::WorkCalendar* calendar) {
  static const std::regex kDate(R"((\d{4})-(\d{2})-(\d{2}))");
  std::smatch m;
  if (!std::regex_match(decision_date, m, kDate)) return {};
  std::chrono::year_month_day ymd{std::chrono::year{std::stoi(m[1])}, std::chrono::month{static_cast<unsigned>(std::stoi(m[2]))},
                                  std::chrono::day{static_cast<unsigned>(std::stoi(m[3]))}};
  if (!ymd.ok()) return {};
  std::chrono::sys_days day{ymd};
  for (int left = by_ministry ? 10 : 5; left > 0;) {
    day += std::chrono::days{1};
    std::chrono::weekday wd{day};
    bool working = calendar != nullptr ? calendar->IsWorkingDay(std::chrono::year_month_day{day})
                                       : wd != std::chrono::Saturday && wd != std::chrono::Sunday;
    if (working) --left;
  }
  std::chrono::year_month_day out{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(out.year()), static_cast<unsigned>(out.month()),
                static_cast<unsigned>(out.day()));
  return buf;
}

json::object DetailJson(const Procedure& p) {
  json::array channels;
  for (const auto& c : p.channels) {
    json::array durations;
    for (const auto& d : c.durations) {
      json::array fees;
      std::int64_t total = 0;
      for (const auto& f : d.fees) {
        fees.push_back(json::object{{"code", f.code}, {"amount", f.amount}, {"kind", f.kind}, {"description", f.description}});
        total += f.amount;
      }
      durations.push_back(json::object{{"value", d.value}, {"unit", d.unit}, {"description", d.description},
                                       {"fees", std::move(fees)}, {"fee_total", total}});
    }
    channels.push_back(json::object{{"channel", c.channel}, {"options", std::move(durations)}});
  }
  json::array cases;
  for (const auto& c : p.cases) {
    json::array docs;
    for (const auto& d : c.documents) {
      docs.push_back(json::object{{"code", d.code}, {"name", d.name}, {"originals", d.originals}, {"copies", d.copies},
                                  {"form_name", d.form_name}, {"form_url", d.form_url},
                                  {"result_substitute", d.result_substitute}});
    }
    cases.push_back(json::object{{"name", c.name}, {"steps", Strings(c.steps)}, {"documents", std::move(docs)}});
  }
  return json::object{{"code", p.code},
                      {"name", p.name},
                      {"name_en", p.name_en},
                      {"description", p.description},
                      {"description_en", p.description_en},
                      {"keywords", p.keywords},
                      {"requirements", p.requirements},
                      {"subjects_text", p.subjects_text},
                      {"subjects", Strings(p.subjects)},
                      {"status", p.status},
                      {"service_class", p.service_class},
                      {"level", p.level},
                      {"levels", Strings(p.levels)},
                      {"fields", NamedJson(p.fields)},
                      {"publisher_code", p.publisher_code},
                      {"decision", json::object{{"number", p.decision_number}, {"date", p.decision_date}}},
                      {"channels", std::move(channels)},
                      {"cases", std::move(cases)},
                      {"results", NamedJson(p.results)},
                      {"legal_bases", NamedJson(p.legal_bases)},
                      {"related", NamedJson(p.related)},
                      {"linked", NamedJson(p.linked)},
                      {"agencies", json::object{{"implementing", NamedJson(p.implementing)},
                                                {"competent", NamedJson(p.competent)},
                                                {"authorised", NamedJson(p.authorised)},
                                                {"coordinating", NamedJson(p.coordinating)}}}};
}

}  // namespace motcua::catalog
