// SMTP (RFC 5321) over Boost.Asio. Every operation is started asynchronously on a private
// io_context and run for at most the configured timeout, so a silent or slow server costs one
// timeout, never a hung sender thread.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <ctime>
#include <optional>
#include <set>

#include "crypto/encoding.hpp"
#include "notify/channels.hpp"

namespace motcua::notify {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// A network failure or a timeout: the session is closed and the message is tried later.
struct Broken {
  std::string detail;
};

struct Reply {
  int code = 0;
  std::string text;  ///< every line, joined with " | "
};

constexpr std::size_t kMaxReply = 64 * 1024;

}  // namespace

struct SmtpSession::Impl {
  SmtpOptions o;
  asio::io_context io{1};
  std::optional<tcp::socket> sock;
  std::optional<asio::ssl::context> ctx;
  std::optional<asio::ssl::stream<tcp::socket&>> tls;
  std::string buf;
  std::set<std::string> ext;  // EHLO keywords, upper case ("STARTTLS", "AUTH PLAIN LOGIN" → "AUTH")
  std::string auth_methods;
  bool ready = false;

  explicit Impl(SmtpOptions options) : o(std::move(options)) {}

  // Runs one asynchronous operation to completion or timeout.
  template <typename Start>
  void Run(const char* what, Start start) {
    bool done = false;
    error_code result;
    start([&](error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io.restart();
    io.run_for(o.timeout);
    if (!done) {
      Reset();
      throw Broken{std::string("timeout: ") + what + " took longer than " + std::to_string(o.timeout.count()) + " ms"};
    }
    if (result) {
      Reset();
      throw Broken{std::string(what) + ": " + result.message()};
    }
  }

  void Reset() {
    ready = false;
    error_code ignored;
    if (sock) sock->close(ignored);
    io.restart();
    io.run();  // lets aborted handlers finish before their state goes away
    tls.reset();
    sock.reset();
    buf.clear();
    ext.clear();
  }

  template <typename F>
  void WithStream(F f) {
    if (tls) {
      f(*tls);
    } else {
      f(*sock);
    }
  }

  Reply ReadReply() {
    Reply reply;
    for (;;) {
      std::size_t n = 0;
      WithStream([&](auto& s) {
        Run("reading the reply", [&](auto handler) {
          asio::async_read_until(s, asio::dynamic_buffer(buf, kMaxReply), "\r\n",
                                 [&n, handler](error_code ec, std::size_t bytes) mutable {
                                   n = bytes;
                                   handler(ec);
                                 });
        });
      });
      std::string line = buf.substr(0, n - 2);
      buf.erase(0, n);
      if (line.size() < 3 || line[0] < '1' || line[0] > '5') {
        Reset();
        throw Broken{"not an SMTP reply: " + line.substr(0, 100)};
      }
      reply.code = std::stoi(line.substr(0, 3));
      if (!reply.text.empty()) reply.text += " | ";
      reply.text += line;
      if (line.size() == 3 || line[3] != '-') return reply;
      if (reply.text.size() > kMaxReply) {
        Reset();
        throw Broken{"SMTP reply too long"};
      }
    }
  }

  void Write(const std::string& data) {
    WithStream([&](auto& s) {
      Run("sending", [&](auto handler) {
        asio::async_write(s, asio::buffer(data), [handler](error_code ec, std::size_t) mutable { handler(ec); });
      });
    });
  }

  Reply Command(const std::string& line) {
    Write(line + "\r\n");
    return ReadReply();
  }

  void Ehlo() {
    Reply r = Command("EHLO " + o.helo);
    if (r.code != 250) {
      r = Command("HELO " + o.helo);
      if (r.code != 250) throw r;
      return;
    }
    ext.clear();
    // Lines after the first are "250-KEYWORD params" / "250 KEYWORD params".
    std::size_t pos = r.text.find(" | ");
    while (pos != std::string::npos) {
      std::size_t start = pos + 3 + 4;
      pos = r.text.find(" | ", start);
      std::string line = r.text.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
      std::string key = line.substr(0, line.find(' '));
      for (auto& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ext.insert(key);
      if (key == "AUTH") auth_methods = line;
    }
  }

  // Connects, greets, upgrades to TLS and authenticates. Throws Broken, or a Reply the server
  // refused with.
  void Open() {
    sock.emplace(io);
    tcp::resolver resolver(io);
    tcp::resolver::results_type endpoints;
    Run("resolving the SMTP host", [&](auto handler) {
      resolver.async_resolve(o.host, std::to_string(o.port),
                             [&endpoints, handler](error_code ec, tcp::resolver::results_type rs) mutable {
                               endpoints = std::move(rs);
                               handler(ec);
                             });
    });
    Run("connecting to the SMTP server", [&](auto handler) {
      asio::async_connect(*sock, endpoints, [handler](error_code ec, const tcp::endpoint&) mutable { handler(ec); });
    });
    Reply greeting = ReadReply();
    if (greeting.code != 220) throw greeting;
    Ehlo();
    if (o.starttls) {
      if (!ext.contains("STARTTLS")) throw Reply{454, "the server does not offer STARTTLS (notify_smtp_starttls = true)"};
      Reply r = Command("STARTTLS");
      if (r.code != 220) throw r;
      ctx.emplace(asio::ssl::context::tls_client);
      ctx->set_default_verify_paths();
      if (!o.ca_file.empty()) ctx->load_verify_file(o.ca_file);
      ctx->set_verify_mode(o.tls_verify ? asio::ssl::verify_peer : asio::ssl::verify_none);
      tls.emplace(*sock, *ctx);
      SSL_set_tlsext_host_name(tls->native_handle(), o.host.c_str());
      if (o.tls_verify) tls->set_verify_callback(asio::ssl::host_name_verification(o.host));
      Run("TLS handshake", [&](auto handler) {
        tls->async_handshake(asio::ssl::stream_base::client, [handler](error_code ec) mutable { handler(ec); });
      });
      Ehlo();
    }
    if (!o.user.empty()) {
      std::string upper = auth_methods;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper.find("PLAIN") != std::string::npos) {
        std::string token = std::string(1, '\0') + o.user + std::string(1, '\0') + o.password;
        Reply r = Command("AUTH PLAIN " + crypto::Base64Encode(token));
        if (r.code != 235) throw r;
      } else if (upper.find("LOGIN") != std::string::npos) {
        Reply r = Command("AUTH LOGIN");
        if (r.code != 334) throw r;
        r = Command(crypto::Base64Encode(o.user));
        if (r.code != 334) throw r;
        r = Command(crypto::Base64Encode(o.password));
        if (r.code != 235) throw r;
      } else {
        throw Reply{454, "the server offers neither AUTH PLAIN nor AUTH LOGIN"};
      }
    }
    ready = true;
  }
};

SmtpSession::SmtpSession(SmtpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

SmtpSession::~SmtpSession() { Close(); }

void SmtpSession::Close() {
  if (!impl_->ready) return;
  try {
    impl_->Command("QUIT");
  } catch (...) {  // closing anyway
  }
  impl_->Reset();
}

Outcome SmtpSession::Send(MailMessage message) {
  Impl& s = *impl_;
  message.from = s.o.from;
  if (message.date.empty()) message.date = MailDate(static_cast<std::int64_t>(std::time(nullptr)));
  if (message.from_name.empty()) message.from_name = s.o.from_name;
  auto refused = [&](const Reply& r, bool session_usable) {
    if (session_usable) {
      try {
        if (s.Command("RSET").code != 250) s.Reset();
      } catch (const Broken&) {
      }
    } else {
      s.Reset();
    }
    // 4yz is a transient negative completion reply, 5yz a permanent one (RFC 5321 §4.2.1).
    return Outcome{r.code >= 500 ? Outcome::Kind::kPermanent : Outcome::Kind::kTransient, r.text};
  };
  try {
    if (!s.ready) {
      try {
        s.Open();
      } catch (const Reply& r) {
        // Trouble before any message (greeting, TLS, AUTH) is the deployment's, not the
        // message's: always transient, so nothing is lost while an operator fixes it.
        s.Reset();
        return Outcome{Outcome::Kind::kTransient, r.text};
      }
    }
    Reply r = s.Command("MAIL FROM:<" + message.from + ">");
    if (r.code != 250) return refused(r, true);
    r = s.Command("RCPT TO:<" + message.to + ">");
    if (r.code != 250 && r.code != 251) return refused(r, true);
    r = s.Command("DATA");
    if (r.code != 354) return refused(r, true);
    s.Write(DotStuff(BuildMessage(message)) + ".\r\n");
    r = s.ReadReply();
    if (r.code != 250) return refused(r, true);
    return Outcome{Outcome::Kind::kSent, r.text};
  } catch (const Broken& b) {
    s.Reset();
    return Outcome{Outcome::Kind::kTransient, b.detail};
  } catch (const std::exception& e) {
    s.Reset();
    return Outcome{Outcome::Kind::kTransient, e.what()};
  }
}

}  // namespace motcua::notify
