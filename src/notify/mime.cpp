#include "notify/mime.hpp"

#include <chrono>
#include <cstdio>

#include "crypto/encoding.hpp"

namespace motcua::notify {

namespace {

bool PlainAscii(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return false;
  }
  return s.find("=?") == std::string_view::npos;
}

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for a stray byte).
std::size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

std::string Base64Lines(std::string_view bytes) {
  std::string b64 = crypto::Base64Encode(bytes);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += 76) {
    out += b64.substr(i, 76);
    out += "\r\n";
  }
  return out;
}

}  // namespace

std::string EncodeHeaderWord(std::string_view text) {
  if (PlainAscii(text)) return std::string(text);
  // Each encoded word holds at most 45 bytes (60 base64 characters + 12 of framing ≤ 75), and
  // never splits a UTF-8 sequence (RFC 2047 §5).
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      std::size_t n = SequenceLength(static_cast<unsigned char>(text[end]));
      if (end + n - i > 45) break;
      end += n;
    }
    if (end == i) end = std::min(text.size(), i + 1);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + crypto::Base64Encode(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string MessageId(std::string_view id, std::string_view from) {
  auto at = from.rfind('@');
  std::string_view domain = at == std::string_view::npos ? std::string_view("motcua.invalid") : from.substr(at + 1);
  return "<" + std::string(id) + "@" + std::string(domain) + ">";
}

std::string BuildMessage(const MailMessage& m) {
  std::string out;
  out += "Date: " + m.date + "\r\n";
  out += "From: ";
  if (!m.from_name.empty()) out += EncodeHeaderWord(m.from_name) + " ";
  out += "<" + m.from + ">\r\n";
  out += "To: <" + m.to + ">\r\n";
  out += "Subject: " + EncodeHeaderWord(m.subject) + "\r\n";
  out += "Message-ID: " + MessageId(m.id, m.from) + "\r\n";
  out += "X-Motcua-Message-Id: " + m.id + "\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  std::string body;
  body.reserve(m.body.size() + 16);
  for (std::size_t i = 0; i < m.body.size(); ++i) {
    if (m.body[i] == '\n' && (i == 0 || m.body[i - 1] != '\r')) body += '\r';
    body += m.body[i];
  }
  out += Base64Lines(body);
  return out;
}

std::string DotStuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 16);
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (line_start && c == '.') out += '.';
    if (c == '\n' && (i == 0 || message[i - 1] != '\r')) out += '\r';
    out += c;
    line_start = c == '\n';
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::string MailDate(std::int64_t unix_seconds) {
  using namespace std::chrono;
  sys_seconds t{seconds(unix_seconds)};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %d %02d:%02d:%02d +0000", kDays[weekday(day).c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace motcua::notify
