// Internet messages (RFC 5322 + MIME) as motcua sends them: UTF-8 subject as an RFC 2047
// encoded word, a base64 text/plain UTF-8 body, a Message-ID derived from the outbox id (so
// a message delivered twice after a crash is recognisable as one), and SMTP dot-stuffing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace motcua::notify {

struct MailMessage {
  std::string id;       ///< outbox id; the Message-ID is `<id@domain of from>`
  std::string from;     ///< bare address
  std::string from_name;
  std::string to;       ///< bare address
  std::string subject;  ///< UTF-8
  std::string body;     ///< UTF-8 plain text, `\n` line ends
  std::string date;     ///< RFC 5322 date, e.g. `Fri, 04 Dec 2026 10:00:00 +0000`
};

/// `=?UTF-8?B?…?=` words (folded so no line exceeds 76 characters) when `text` is not plain
/// printable ASCII; `text` itself otherwise.
std::string EncodeHeaderWord(std::string_view text);

/// The whole message: headers, blank line, base64 body, CRLF line ends.
std::string BuildMessage(const MailMessage& message);

/// `<id@domain>` for a message from `from`.
std::string MessageId(std::string_view id, std::string_view from);

/// SMTP DATA transparency (RFC 5321 §4.5.2): a line starting with `.` gets another `.`; lone
/// `\n` become CRLF; the result ends with CRLF (without the terminating `.` line).
std::string DotStuff(std::string_view message);

/// An RFC 5322 date for a UTC instant given as seconds since the epoch.
std::string MailDate(std::int64_t unix_seconds);

}  // namespace motcua::notify
