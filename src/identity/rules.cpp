#include "identity/rules.hpp"

#include <array>
#include <utility>

namespace motcua::identity {

namespace {

// Circular 07/2016/TT-BCA annex: province codes of the place of birth registration.
constexpr std::array<std::pair<std::string_view, std::string_view>, 63> kProvinces{{
    {"001", "Hà Nội"}, {"002", "Hà Giang"}, {"004", "Cao Bằng"}, {"006", "Bắc Kạn"},
    {"008", "Tuyên Quang"}, {"010", "Lào Cai"}, {"011", "Điện Biên"}, {"012", "Lai Châu"},
    {"014", "Sơn La"}, {"015", "Yên Bái"}, {"017", "Hòa Bình"}, {"019", "Thái Nguyên"},
    {"020", "Lạng Sơn"}, {"022", "Quảng Ninh"}, {"024", "Bắc Giang"}, {"025", "Phú Thọ"},
    {"026", "Vĩnh Phúc"}, {"027", "Bắc Ninh"}, {"030", "Hải Dương"}, {"031", "Hải Phòng"},
    {"033", "Hưng Yên"}, {"034", "Thái Bình"}, {"035", "Hà Nam"}, {"036", "Nam Định"},
    {"037", "Ninh Bình"}, {"038", "Thanh Hóa"}, {"040", "Nghệ An"}, {"042", "Hà Tĩnh"},
    {"044", "Quảng Bình"}, {"045", "Quảng Trị"}, {"046", "Thừa Thiên Huế"}, {"048", "Đà Nẵng"},
    {"049", "Quảng Nam"}, {"051", "Quảng Ngãi"}, {"052", "Bình Định"}, {"054", "Phú Yên"},
    {"056", "Khánh Hòa"}, {"058", "Ninh Thuận"}, {"060", "Bình Thuận"}, {"062", "Kon Tum"},
    {"064", "Gia Lai"}, {"066", "Đắk Lắk"}, {"067", "Đắk Nông"}, {"068", "Lâm Đồng"},
    {"070", "Bình Phước"}, {"072", "Tây Ninh"}, {"074", "Bình Dương"}, {"075", "Đồng Nai"},
    {"077", "Bà Rịa – Vũng Tàu"}, {"079", "Thành phố Hồ Chí Minh"}, {"080", "Long An"},
    {"082", "Tiền Giang"}, {"083", "Bến Tre"}, {"084", "Trà Vinh"}, {"086", "Vĩnh Long"},
    {"087", "Đồng Tháp"}, {"089", "An Giang"}, {"091", "Kiên Giang"}, {"092", "Cần Thơ"},
    {"093", "Hậu Giang"}, {"094", "Sóc Trăng"}, {"095", "Bạc Liêu"}, {"096", "Cà Mau"},
}};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<Date> ParseDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (!AllDigits(t.substr(0, 4)) || !AllDigits(t.substr(5, 2)) || !AllDigits(t.substr(8, 2))) {
    return std::nullopt;
  }
  Date d{std::stoi(std::string(t.substr(0, 4))), std::stoi(std::string(t.substr(5, 2))),
         std::stoi(std::string(t.substr(8, 2)))};
  if (d.year < 1900 || d.month < 1 || d.month > 12 || d.day < 1 ||
      d.day > DaysInMonth(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

std::optional<std::string_view> PinProvinceName(std::string_view code3) {
  for (const auto& [code, name] : kProvinces) {
    if (code == code3) return name;
  }
  return std::nullopt;
}

std::vector<core::FieldError> CheckPersonalId(std::string_view pin, const Date& birth,
                                              std::string_view gender, std::string_view field) {
  std::string f(field);
  if (pin.size() != 12 || !AllDigits(pin)) {
    return {{f, "Số định danh cá nhân phải gồm đúng 12 chữ số / must be exactly 12 digits"}};
  }
  std::vector<core::FieldError> out;
  // Codes of provinces, or a country code for births registered abroad (Circular 07/2016
  // lists those above 100); 000 and unassigned province codes below 100 are refused.
  std::string_view place = pin.substr(0, 3);
  int place_code = std::stoi(std::string(place));
  if (place_code < 100 && !PinProvinceName(place)) {
    out.push_back({f, "Ba chữ số đầu không phải mã tỉnh hợp lệ / the first three digits are not a "
                      "province code"});
  }
  int century_gender = pin[3] - '0';
  int century = birth.year / 100;  // 19 for 1900–1999
  int expected = (century - 19) * 2 + (gender == "female" ? 1 : 0);
  if (century < 19 || century > 23 || century_gender != expected) {
    out.push_back({f, "Chữ số thứ 4 không khớp với thế kỷ sinh và giới tính / the fourth digit does "
                      "not match the century of birth and gender"});
  }
  int yy = (pin[4] - '0') * 10 + (pin[5] - '0');
  if (yy != birth.year % 100) {
    out.push_back({f, "Chữ số thứ 5–6 không khớp với năm sinh / digits 5–6 do not match the year of "
                      "birth"});
  }
  return out;
}

bool ValidTaxCode(std::string_view code) {
  std::string_view main = code;
  if (code.size() == 14) {
    if (code[10] != '-' || !AllDigits(code.substr(11))) return false;
    main = code.substr(0, 10);
  }
  if (main.size() != 10 || !AllDigits(main)) return false;
  // The 10th digit checks the first nine (weights published by the General Department of
  // Taxation): N10 = 10 − (Σ wᵢ·Nᵢ mod 11).
  static constexpr int kWeights[] = {31, 29, 23, 19, 17, 13, 7, 5, 3};
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (main[i] - '0') * kWeights[i];
  int check = 10 - sum % 11;
  return check < 10 && check == main[9] - '0';
}

std::optional<PasswordProblem> CheckPasswordStrength(std::string_view password,
                                                     std::string_view login) {
  std::size_t chars = 0;
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : password) {
    if ((c & 0xC0) != 0x80) ++chars;  // count code points, not UTF-8 continuation bytes
    if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= '0' && c <= '9') digit = true;
    else other = true;
  }
  if (chars < 8) {
    return PasswordProblem{"Mật khẩu phải có ít nhất 8 ký tự.", "The password needs at least 8 characters."};
  }
  if (password.size() > 128) {
    return PasswordProblem{"Mật khẩu dài quá 128 byte.", "The password is longer than 128 bytes."};
  }
  if (int(lower) + int(upper) + int(digit) + int(other) < 3) {
    return PasswordProblem{
        "Mật khẩu cần có ít nhất ba trong bốn loại: chữ thường, chữ hoa, chữ số, ký tự đặc biệt.",
        "The password needs three of: lower case, upper case, digits, symbols."};
  }
  if (!login.empty() && password.find(login) != std::string_view::npos) {
    return PasswordProblem{"Mật khẩu không được chứa tên đăng nhập.",
                           "The password must not contain the login name."};
  }
  return std::nullopt;
}

ThrottlePolicy AddressThrottlePolicy() {
  return ThrottlePolicy{.free_failures = 10,
                        .first_delay = std::chrono::seconds(1),
                        .max_delay = std::chrono::seconds(120),
                        .lock_after = 50,
                        .lock_for = std::chrono::seconds(900),
                        .forget_after = std::chrono::seconds(3600)};
}

std::chrono::seconds ThrottleDelay(const ThrottlePolicy& p, int failures) {
  if (failures >= p.lock_after) return p.lock_for;
  if (failures <= p.free_failures) return std::chrono::seconds(0);
  int doublings = failures - p.free_failures - 1;
  auto delay = p.first_delay;
  for (int i = 0; i < doublings && delay < p.max_delay; ++i) delay *= 2;
  return std::min(delay, p.max_delay);
}

}  // namespace motcua::identity
