#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace motcua::testing {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

constexpr ssize_t kTimedOut = -2;

/// Waits until `fd` is readable or `deadline`, then appends what arrived to `out`. Returns the
/// bytes read, 0 when the peer closed (or on error), kTimedOut when nothing came in time.
ssize_t RecvBefore(int fd, std::chrono::steady_clock::time_point deadline, std::string& out) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return kTimedOut;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return kTimedOut;
  char buf[65536];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n <= 0) return 0;
  out.append(buf, static_cast<std::size_t>(n));
  return n;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return std::nullopt;
}

Connection::Connection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect failed: " + std::string(std::strerror(errno)));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<HttpResponse> Connection::Read(std::chrono::milliseconds timeout, bool head_request) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto fill = [&]() -> bool { return RecvBefore(fd_, deadline, buffer_) > 0; };
  for (;;) {
    auto end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      HttpResponse res;
      std::string head = buffer_.substr(0, end);
      auto line_end = head.find("\r\n");
      std::string status_line = head.substr(0, line_end);
      if (status_line.size() < 12) return std::nullopt;
      res.status = std::stoi(status_line.substr(9, 3));
      std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        auto next = head.find("\r\n", pos);
        std::string line = head.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.erase(0, 1);
          res.headers.emplace_back(line.substr(0, colon), value);
        }
        if (next == std::string::npos) break;
        pos = next + 2;
      }
      if (res.status == 100) {  // interim response: skip it
        buffer_.erase(0, end + 4);
        continue;
      }
      std::size_t length = 0;
      if (auto cl = res.Header("Content-Length")) length = std::stoul(*cl);
      bool head_only = head_request || res.status == 304 || res.status == 204;
      std::size_t need = end + 4 + (head_only ? 0 : length);
      while (buffer_.size() < need) {
        if (!fill()) return std::nullopt;
      }
      res.body = buffer_.substr(end + 4, head_only ? 0 : length);
      buffer_.erase(0, need);
      return res;
    }
    if (!fill()) return std::nullopt;
  }
}

std::string Connection::ReadSome(std::chrono::milliseconds timeout) {
  std::string out;
  RecvBefore(fd_, std::chrono::steady_clock::now() + timeout, out);
  return out;
}

bool Connection::ClosedWithin(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string discarded;
  for (;;) {
    ssize_t n = RecvBefore(fd_, deadline, discarded);
    if (n == kTimedOut) return false;
    if (n == 0) return true;
    discarded.clear();
  }
}

std::string RequestText(std::string_view method, std::string_view target,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        std::string_view body) {
  std::string out = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n";
  bool has_length = false;
  for (const auto& [k, v] : headers) {
    out += k + ": " + v + "\r\n";
    has_length |= IEquals(k, "Content-Length") || IEquals(k, "Transfer-Encoding");
  }
  if (!body.empty() && !has_length) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  out += body;
  return out;
}

HttpResponse Fetch(std::uint16_t port, std::string_view method, std::string_view target,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   std::string_view body) {
  Connection c(port);
  c.Send(RequestText(method, target, headers, body));
  auto res = c.Read();
  if (!res) throw std::runtime_error("no response to " + std::string(method) + " " + std::string(target));
  return *res;
}

}  // namespace motcua::testing
