// The far ends of the notification channels for tests and the benchmark: a real SMTP sink
// (tests/integration/smtp_sink.py on aiosmtpd, a separate process that can be stopped and
// started again on its port) and a fake SMS gateway (a motcua HTTP server on a free port that
// records each request and answers with the status it is told to).
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "crypto/encoding.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "support/test_env.hpp"

namespace motcua::testing {

inline const char* kSinkPython = "/usr/bin/python3";

/// True when the sink can run here (python3-aiosmtpd installed).
inline bool SmtpSinkAvailable() {
  return std::system("/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1") == 0;
}

/// One message as the sink received it.
struct SunkMail {
  std::string envelope_to, raw;
  /// A header's value, unfolded, RFC 2047 words decoded.
  std::string Header(const std::string& name) const {
    std::string key = "\n" + name + ": ";
    std::string text = "\n" + raw;
    auto at = text.find(key);
    if (at == std::string::npos) return "";
    auto end = text.find("\r\n", at + key.size());
    while (end != std::string::npos && end + 2 < text.size() && (text[end + 2] == ' ' || text[end + 2] == '\t')) {
      end = text.find("\r\n", end + 2);
    }
    std::string value = text.substr(at + key.size(), end - at - key.size());
    std::string out;
    std::size_t i = 0;
    while (i < value.size()) {
      auto w = value.find("=?UTF-8?B?", i);
      if (w == std::string::npos) {
        out += value.substr(i);
        break;
      }
      std::string between = value.substr(i, w - i);
      if (between.find_first_not_of(" \r\n\t") != std::string::npos) out += between;
      auto e = value.find("?=", w + 10);
      out += crypto::Base64Decode(value.substr(w + 10, e - w - 10)).value_or("?");
      i = e + 2;
    }
    return out;
  }
  /// The base64 body, decoded.
  std::string Body() const {
    auto at = raw.find("\r\n\r\n");
    std::string b64 = raw.substr(at + 4);
    std::erase(b64, '\r');
    std::erase(b64, '\n');
    return crypto::Base64Decode(b64).value_or("");
  }
};

/// A self-signed certificate for 127.0.0.1 and localhost (it is its own CA): {cert, key} PEM
/// paths in `dir`. Throws when openssl cannot make it.
inline std::pair<std::string, std::string> MakeTestCertificate(const std::filesystem::path& dir) {
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                    "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " + key + " -out " + cert +
                    " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
  return {cert, key};
}

/// Starts `args` (program first) and reads the port it listens on from the first line of its
/// standard output: {pid, port}. Throws when it prints none.
inline std::pair<pid_t, std::uint16_t> SpawnListening(const std::vector<std::string>& args, const std::string& what) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string line;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(fds[0]);
  if (line.empty()) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error(what + " did not start");
  }
  return {pid, static_cast<std::uint16_t>(std::stoi(line))};
}

/// The SMS gateway over HTTPS (tests/integration/sms_gateway_tls.py) with a self-signed
/// certificate: `ca_file()` is what a sender must trust to reach it.
class TlsSmsGateway {
 public:
  TlsSmsGateway() {
    std::tie(cert_, key_) = MakeTestCertificate(dir_.path());
    std::filesystem::create_directories(dir_.path() / "in");
    std::string script = std::string(MOTCUA_SOURCE_DIR) + "/tests/integration/sms_gateway_tls.py";
    auto [pid, port] = SpawnListening({kSinkPython, script, (dir_.path() / "in").string(), cert_, key_}, "the TLS SMS gateway");
    pid_ = pid;
    port_ = port;
  }
  ~TlsSmsGateway() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/sms"; }
  const std::string& ca_file() const { return cert_; }
  /// The bodies and signatures received, in order (each a JSON text the script wrote).
  std::vector<std::string> Received() const {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path() / "in")) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }

 private:
  TempDir dir_;
  std::string cert_, key_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

/// The SMTP sink process. Stop() and Start() keep the port, so "the server is down" and "it is
/// back" can both be tested.
class SmtpSink {
 public:
  SmtpSink() { Start(); }
  /// A sink that requires STARTTLS (a self-signed certificate made here) and AUTH as
  /// `user`/`password`. Throws when openssl cannot make the certificate.
  SmtpSink(std::string user, std::string password) : user_(std::move(user)), password_(std::move(password)) {
    std::tie(cert_, key_) = MakeTestCertificate(dir_.path());
    Start();
  }
  ~SmtpSink() { Stop(); }
  void Start() {
    std::string script = std::string(MOTCUA_SOURCE_DIR) + "/tests/integration/smtp_sink.py";
    std::vector<std::string> args{kSinkPython, script, dir_.path().string(), std::to_string(port_)};
    if (!user_.empty()) args.insert(args.end(), {cert_, key_, user_, password_});
    auto [pid, port] = SpawnListening(args, "the SMTP sink");
    pid_ = pid;
    port_ = port;
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::uint16_t port() const { return port_; }
  /// The certificate of a STARTTLS sink, its own CA.
  const std::string& ca_file() const { return cert_; }
  /// Every message received so far, in order.
  std::vector<SunkMail> Messages() const {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      if (e.path().extension() == ".eml") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<SunkMail> out;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      auto eol = text.find("\r\n");
      out.push_back({text.substr(15, eol - 15), text.substr(eol + 2)});
    }
    return out;
  }
  std::size_t Count() const {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) n += e.path().extension() == ".eml";
    return n;
  }

 private:
  TempDir dir_;
  std::string user_, password_, cert_, key_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

/// A fake SMS gateway: records each POST (body and signature header) and answers `status`,
/// after `delay_ms`.
class SmsGateway {
 public:
  struct Received {
    std::string body, signature;
  };
  SmsGateway() {
    router_.Add(http::Method::kPost, "/sms", std::bind_front(&SmsGateway::Handle, this));
    http::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.access_log = false;
    options.drain_timeout = std::chrono::milliseconds(100);
    server_ = std::make_unique<http::Server>(options, router_, metrics_, files_);
    server_->Start();
  }
  ~SmsGateway() {
    server_->Stop();
    server_->Wait();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->Port()) + "/sms"; }
  std::atomic<int> status{200};
  std::atomic<int> delay_ms{0};  ///< answer this late (a gateway that hangs)
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  static boost::asio::awaitable<http::Response> Handle(SmsGateway* self, http::Request req) {
    {
      std::lock_guard lock(self->mu_);
      self->received_.push_back({req.body, std::string(req.Header("X-Motcua-Signature").value_or(""))});
    }
    if (int ms = self->delay_ms.load(); ms > 0) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(ms));
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
    int s = self->status.load();
    co_return http::Response::Text(s, s < 300 ? R"({"accepted":true})" : R"({"error":"gateway trouble"})",
                                   "application/json");
  }
  http::Router router_;
  http::Metrics metrics_;
  http::StaticFiles files_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::vector<Received> received_;
};

}  // namespace motcua::testing
