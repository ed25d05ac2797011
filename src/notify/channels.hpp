// Delivery channels: e-mail over SMTP (STARTTLS, AUTH PLAIN/LOGIN) and SMS through an HTTP
// gateway (JSON POST signed with HMAC-SHA256). Blocking, with timeouts: called from the
// sender's own thread, never from an I/O thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "notify/mime.hpp"

namespace motcua::notify {

/// What one delivery attempt came to. `detail` is what the server said (SMTP reply, HTTP
/// status and body) or why nothing was said (connection refused, timeout).
struct Outcome {
  enum class Kind {
    kSent,       ///< accepted by the server
    kTransient,  ///< try again later (4xx SMTP, HTTP 5xx/429, network, timeout)
    kPermanent,  ///< will never work as it is (5xx SMTP, HTTP 4xx)
  };
  Kind kind = Kind::kTransient;
  std::string detail;
};

struct SmtpOptions {
  std::string host;  ///< empty: the e-mail channel is off
  std::uint16_t port = 587;
  bool starttls = true;  ///< require STARTTLS before AUTH and mail
  bool tls_verify = true;
  std::string ca_file;  ///< CA certificates (PEM) trusted besides the system store
  std::string user;  ///< AUTH when not empty
  std::string password;
  std::string from = "no-reply@motcua.invalid";
  std::string from_name = "Một cửa điện tử";
  std::string helo = "motcua.invalid";
  std::chrono::milliseconds timeout{10000};  ///< per SMTP command
};

/// One SMTP connection, opened on first use and reused for later messages (RSET between a
/// refused message and the next). Not thread-safe.
class SmtpSession {
 public:
  explicit SmtpSession(SmtpOptions options);
  ~SmtpSession();
  SmtpSession(const SmtpSession&) = delete;
  SmtpSession& operator=(const SmtpSession&) = delete;

  /// Sends one message (its `from` and `date` are filled in here). Never throws for network or
  /// protocol trouble: that is an Outcome.
  Outcome Send(MailMessage message);
  /// QUIT and close (also done by the destructor).
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SmsOptions {
  std::string url;  ///< empty: the SMS channel is off
  std::string secret;
  std::string sender = "MOTCUA";
  std::chrono::milliseconds timeout{10000};
  std::string ca_file;  ///< https: CA certificates (PEM) trusted besides the system store
};

/// `sha256=<hex HMAC-SHA256 of body with secret>`, the `X-Motcua-Signature` header value.
std::string SmsSignature(std::string_view secret, std::string_view body);

/// The gateway request body: `{"id","to","text","sender"}`.
std::string SmsBody(std::string_view id, std::string_view phone, std::string_view text, std::string_view sender);

/// POSTs the message to the gateway. 2xx → sent; 5xx, 429 and network trouble → transient;
/// other 4xx → permanent.
Outcome SendSms(const SmsOptions& options, std::string_view id, std::string_view phone, std::string_view text);

}  // namespace motcua::notify
