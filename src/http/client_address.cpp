#include "http/client_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace motcua::http {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool Port(std::string_view s) {
  unsigned port = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return !s.empty() && ec == std::errc{} && p == s.data() + s.size() && port <= 65535;
}

std::optional<IpAddress> Bare(std::string_view s) {
  if (s.empty() || s.size() > 45 || s.find('\0') != std::string_view::npos) return std::nullopt;
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  IpAddress a;
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    a.v4 = true;
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buf, &v6) != 1) return std::nullopt;
  std::memcpy(a.bytes.data(), &v6, 16);
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  a.v4 = std::memcmp(a.bytes.data(), kMapped, 12) == 0;
  return a;
}

}  // namespace

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (v4) return inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf) ? std::string(buf) : std::string();
  return inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf) ? std::string(buf) : std::string();
}

std::optional<IpAddress> ParseIp(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.empty()) return std::nullopt;
  if (s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !Port(rest.substr(1)))) return std::nullopt;
    auto a = Bare(s.substr(1, close - 1));
    if (a && a->v4 && s.substr(1, close - 1).find(':') == std::string_view::npos) return std::nullopt;  // [1.2.3.4]
    return a;
  }
  auto first = s.find(':');
  if (first != std::string_view::npos && s.find(':', first + 1) == std::string_view::npos) {
    // `a.b.c.d:port`
    if (!Port(s.substr(first + 1))) return std::nullopt;
    auto a = Bare(s.substr(0, first));
    if (!a || s.substr(0, first).find('.') == std::string_view::npos) return std::nullopt;
    return a;
  }
  return Bare(s);
}

core::Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies out;
  std::size_t i = 0;
  while (i < list.size()) {
    std::size_t j = list.find_first_of(", \t", i);
    if (j == std::string_view::npos) j = list.size();
    std::string_view entry = list.substr(i, j - i);
    i = j + 1;
    if (entry.empty()) continue;
    auto bad = [&] {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "'" + std::string(entry) + "' is not an IP address or a CIDR block (e.g. 10.0.0.0/8, fd00::/8)");
    };
    std::string_view addr = entry;
    std::optional<int> prefix;
    if (auto slash = entry.find('/'); slash != std::string_view::npos) {
      addr = entry.substr(0, slash);
      std::string_view bits = entry.substr(slash + 1);
      int n = -1;
      auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
      if (bits.empty() || ec != std::errc{} || p != bits.data() + bits.size() || n < 0) return bad();
      prefix = n;
    }
    if (addr.find('[') != std::string_view::npos) return bad();
    auto a = Bare(addr);
    if (!a) return bad();
    bool v4_text = addr.find(':') == std::string_view::npos;
    int max = v4_text ? 32 : 128;
    if (prefix && *prefix > max) return bad();
    Block b{*a, prefix ? (v4_text ? *prefix + 96 : *prefix) : 128};
    // The block's base: host bits cleared, so `10.1.2.3/8` means 10.0.0.0/8.
    for (int bit = b.prefix; bit < 128; ++bit) b.base.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    out.blocks_.push_back(b);
  }
  return out;
}

bool TrustedProxies::Contains(const IpAddress& a) const {
  for (const auto& b : blocks_) {
    int full = b.prefix / 8, rest = b.prefix % 8;
    if (std::memcmp(a.bytes.data(), b.base.bytes.data(), static_cast<std::size_t>(full)) != 0) continue;
    if (rest != 0) {
      auto mask = static_cast<std::uint8_t>(0xff00u >> rest);
      if ((a.bytes[static_cast<std::size_t>(full)] & mask) != b.base.bytes[static_cast<std::size_t>(full)]) continue;
    }
    return true;
  }
  return false;
}

std::string ClientAddress(const TrustedProxies& trusted, std::string_view peer, const std::vector<std::string_view>& forwarded_for) {
  auto peer_ip = ParseIp(peer);
  if (!peer_ip) return std::string(peer);
  if (trusted.Empty() || !trusted.Contains(*peer_ip)) return peer_ip->ToString();
  std::vector<std::string_view> hops;
  for (std::string_view h : forwarded_for) {
    std::size_t i = 0;
    while (i <= h.size()) {
      std::size_t j = h.find(',', i);
      if (j == std::string_view::npos) j = h.size();
      hops.push_back(Trim(h.substr(i, j - i)));
      i = j + 1;
    }
  }
  IpAddress current = *peer_ip;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (it->empty()) continue;  // `a,,b` or a trailing comma
    auto hop = ParseIp(*it);
    if (!hop) break;  // garbage: the last trusted hop is all that is known
    current = *hop;
    if (!trusted.Contains(*hop)) break;
  }
  return current.ToString();
}

}  // namespace motcua::http
