#include "payment/protocol.hpp"

#include <boost/json.hpp>
#include <sodium.h>

#include <cctype>
#include <charconv>
#include <cstdio>

#include "crypto/sha256.hpp"

namespace motcua::payment {

namespace json = boost::json;

namespace {

std::string Str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return "";
  if (it->value().is_string()) return std::string(it->value().as_string());
  if (it->value().is_int64()) return std::to_string(it->value().as_int64());
  return "";
}

std::optional<json::object> Object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace

std::string Mac(const std::vector<std::string_view>& fields, std::string_view secret) {
  crypto::Sha256 h;
  for (auto f : fields) {
    h.Update(f);
    h.Update("|");
  }
  h.Update(secret);
  return h.FinishHex();
}

bool MacEquals(std::string_view expected, std::string_view received) {
  if (expected.size() != received.size() || expected.empty()) return false;
  std::string lower(received);
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return sodium_memcmp(expected.data(), lower.data(), expected.size()) == 0;
}

std::string PlatformTime(std::chrono::system_clock::time_point t) {
  auto local = std::chrono::floor<std::chrono::seconds>(t) + std::chrono::hours(7);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{local - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02ld%02ld%02ld", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

std::string Reference(std::string_view dossier_code, std::chrono::system_clock::time_point t) {
  std::string out;
  for (char ch : dossier_code) {
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') out += ch;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03lld", static_cast<long long>(ms));
  return out + PlatformTime(t) + buf;
}

std::optional<std::int64_t> ParseAmount(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v <= 0 || s.front() == '+') return std::nullopt;
  return v;
}

// ---- INIT ----

bool ValidTypeCode(std::string_view code) {
  if (!code.starts_with("G22.99")) return false;
  std::string_view rest = code.substr(6);
  int segments = 0;
  while (!rest.empty()) {
    if (rest[0] != '.' || ++segments > 4) return false;
    rest.remove_prefix(1);
    std::size_t n = 0;
    while (n < rest.size() && rest[n] != '.' && ((rest[n] >= '0' && rest[n] <= '9') || (rest[n] >= 'A' && rest[n] <= 'Z'))) ++n;
    if (n == 0 || n > 10 || (n < rest.size() && rest[n] != '.')) return false;
    rest.remove_prefix(n);
  }
  return true;
}

std::vector<std::string> InitMacFields(const Init& m) {
  return {"INIT", std::string(kVersion), m.partner, m.reference, std::to_string(m.amount), "PAY", "1", "1", "vi-VN", "VND",
          m.bank, m.info, m.time, m.ip};
}

std::string EncodeInit(const Init& m, std::string_view secret) {
  auto fields = InitMacFields(m);
  std::vector<std::string_view> views(fields.begin(), fields.end());
  json::array lines;
  for (const auto& f : m.fees) {
    lines.push_back(json::object{{"LoaiPhiLePhi", f.kind}, {"MaPhiLePhi", f.code}, {"TenPhiLePhi", f.name}, {"SoTien", std::to_string(f.amount)}});
  }
  json::object receipt{{"MaDichVu", "2"}, {"MaTTHC", m.procedure_code}, {"TenTTHC", m.procedure_name}, {"MaDonVi", m.agency_code},
                       {"TenDonVi", m.agency_name}, {"MaHoSo", m.dossier_code}, {"HoTenNguoiNop", m.payer_name},
                       {"SoCMNDNguoiNop", m.payer_id}, {"NoiDungThanhToan", m.info}, {"PhiLePhi", lines},
                       {"MaLoaiGiaoDich", m.type_code}};
  json::object o{{"LoaiBanTin", "INIT"}, {"PhienBan", kVersion}, {"MaDoiTac", m.partner}, {"MaThamChieu", m.reference},
                 {"SoTien", std::to_string(m.amount)}, {"LoaiHinhThanhToan", "PAY"}, {"MaKenhThanhToan", "1"}, {"MaThietBi", "1"},
                 {"NgonNgu", "vi-VN"}, {"MaTienTe", "VND"}, {"MaNganHang", m.bank}, {"ThongTinGiaoDich", m.info},
                 {"ThoiGianGD", m.time}, {"Ip", m.ip}, {"MaXacThuc", Mac(views, secret)}, {"ThongTinBienLai", receipt}};
  return json::serialize(o);
}

std::optional<Init> DecodeInit(std::string_view body, std::string_view secret) {
  auto o = Object(body);
  if (!o || Str(*o, "LoaiBanTin") != "INIT") return std::nullopt;
  std::vector<std::string> fields;
  for (const char* k : {"LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan", "MaKenhThanhToan",
                        "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich", "ThoiGianGD", "Ip"}) {
    fields.push_back(Str(*o, k));
  }
  std::vector<std::string_view> views(fields.begin(), fields.end());
  if (!MacEquals(Mac(views, secret), Str(*o, "MaXacThuc"))) return std::nullopt;
  auto amount = ParseAmount(fields[4]);
  if (!amount) return std::nullopt;
  Init m;
  m.partner = fields[2];
  m.reference = fields[3];
  m.amount = *amount;
  m.bank = fields[10];
  m.info = fields[11];
  m.time = fields[12];
  m.ip = fields[13];
  if (auto r = o->find("ThongTinBienLai"); r != o->end() && r->value().is_object()) {
    const auto& b = r->value().as_object();
    m.procedure_code = Str(b, "MaTTHC");
    m.procedure_name = Str(b, "TenTTHC");
    m.agency_code = Str(b, "MaDonVi");
    m.agency_name = Str(b, "TenDonVi");
    m.dossier_code = Str(b, "MaHoSo");
    m.payer_name = Str(b, "HoTenNguoiNop");
    m.payer_id = Str(b, "SoCMNDNguoiNop");
    m.type_code = Str(b, "MaLoaiGiaoDich");
    if (auto l = b.find("PhiLePhi"); l != b.end() && l->value().is_array()) {
      for (const auto& x : l->value().as_array()) {
        if (!x.is_object()) continue;
        const auto& xo = x.as_object();
        m.fees.push_back({Str(xo, "LoaiPhiLePhi"), Str(xo, "MaPhiLePhi"), Str(xo, "TenPhiLePhi"), ParseAmount(Str(xo, "SoTien")).value_or(0)});
      }
    }
  }
  return m;
}

std::string EncodeInitReply(std::string_view pay_url) {
  json::object message{{"UrlThanhToan", pay_url}};
  return json::serialize(json::object{{"error_code", "0"}, {"message", json::serialize(message)}});
}

std::optional<std::string> DecodeInitReply(std::string_view body) {
  auto o = Object(body);
  if (!o || Str(*o, "error_code") != "0") return std::nullopt;
  auto msg = o->find("message");
  if (msg == o->end()) return std::nullopt;
  std::optional<json::object> inner;
  if (msg->value().is_string()) inner = Object(msg->value().as_string());
  else if (msg->value().is_object()) inner = msg->value().as_object();
  if (!inner) return std::nullopt;
  std::string url = Str(*inner, "UrlThanhToan");
  if (url.empty()) return std::nullopt;
  return url;
}

// ---- confirmation ----

std::vector<std::string_view> ConfirmationMacFields(const Confirmation& c) {
  return {c.type, c.code, c.partner, c.reference, c.amount, c.currency, c.platform_txn, c.bank, c.time, c.info};
}

std::string SignConfirmation(const Confirmation& c, std::string_view secret) { return Mac(ConfirmationMacFields(c), secret); }

bool VerifyConfirmation(const Confirmation& c, std::string_view secret) {
  return MacEquals(SignConfirmation(c, secret), c.mac);
}

std::string EncodeConfirmation(const Confirmation& c) {
  json::object o{{"LoaiBanTin", c.type}, {"MaLoi", c.code}, {"MaDoiTac", c.partner}, {"MaThamChieu", c.reference},
                 {"SoTien", c.amount}, {"MaTienTe", c.currency}, {"MaGiaoDich", c.platform_txn}, {"MaNganHang", c.bank},
                 {"ThoiGianGD", c.time}, {"ThongTinGiaoDich", c.info}, {"MaXacThuc", c.mac}};
  if (!c.state.empty()) o["TrangThaiGD"] = c.state;
  return json::serialize(o);
}

std::optional<Confirmation> DecodeConfirmation(std::string_view body) {
  auto o = Object(body);
  if (!o) return std::nullopt;
  Confirmation c;
  c.type = Str(*o, "LoaiBanTin");
  c.code = Str(*o, "MaLoi");
  c.partner = Str(*o, "MaDoiTac");
  c.reference = Str(*o, "MaThamChieu");
  c.amount = Str(*o, "SoTien");
  c.currency = Str(*o, "MaTienTe");
  c.platform_txn = Str(*o, "MaGiaoDich");
  c.bank = Str(*o, "MaNganHang");
  c.time = Str(*o, "ThoiGianGD");
  c.info = Str(*o, "ThongTinGiaoDich");
  c.mac = Str(*o, "MaXacThuc");
  c.state = Str(*o, "TrangThaiGD");
  if (c.reference.empty() || c.mac.empty()) return std::nullopt;
  return c;
}

std::string EncodeCallbackReply(std::string_view code, std::string_view description, std::string_view partner,
                                std::string_view time, std::string_view secret) {
  json::object o{{"MaLoi", code}, {"MoTaLoi", description}, {"MaDoiTac", partner}, {"ThoiGianGD", time},
                 {"MaXacThuc", Mac({code, partner, time}, secret)}};
  return json::serialize(o);
}

// ---- QUERY / GET_BILL ----

std::string SignQuery(const Query& q, std::string_view secret) {
  return Mac({q.type, kVersion, q.partner, q.reference, q.time}, secret);
}

std::string EncodeQuery(const Query& q, std::string_view secret) {
  json::object o{{"LoaiBanTin", q.type}, {"PhienBan", kVersion}, {"MaDoiTac", q.partner}, {"MaThamChieu", q.reference},
                 {"ThoiGianGD", q.time}, {"MaXacThuc", SignQuery(q, secret)}};
  return json::serialize(o);
}

std::optional<Query> DecodeQuery(std::string_view body, std::string_view secret) {
  auto o = Object(body);
  if (!o) return std::nullopt;
  Query q{Str(*o, "LoaiBanTin"), Str(*o, "MaDoiTac"), Str(*o, "MaThamChieu"), Str(*o, "ThoiGianGD"), Str(*o, "MaXacThuc")};
  if ((q.type != "QUERY" && q.type != "GET_BILL" && q.type != "DOI_SOAT") || Str(*o, "PhienBan") != kVersion) return std::nullopt;
  if (!MacEquals(SignQuery(q, secret), q.mac)) return std::nullopt;
  return q;
}

std::string MessageType(std::string_view body) {
  auto o = Object(body);
  return o ? Str(*o, "LoaiBanTin") : "";
}

}  // namespace motcua::payment
