// The client's address behind reverse proxies. Rate limits, the login throttle, the access log
// and audit records key on it. The peer of the TCP connection is the client unless it is one of
// the operator's trusted proxies (config `trusted_proxies`); then the right-most address of
// `X-Forwarded-For` that is not itself a trusted proxy is the client. A header sent by anyone
// else is ignored, so a client cannot choose its own address. Pure: no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace motcua::http {

/// An IPv4 or IPv6 address as 16 bytes (IPv4 as ::ffff:a.b.c.d, so both spellings match).
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;
  /// The canonical text: dotted quad for IPv4, RFC 5952 for IPv6.
  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

/// Parses an address: `1.2.3.4`, `::1`, `[::1]`, `[::1]:8080`, `1.2.3.4:8080`, or an IPv4-mapped
/// IPv6 address (treated as the IPv4 address). A zone (`%eth0`) is refused. Nullopt otherwise.
std::optional<IpAddress> ParseIp(std::string_view text);

/// A list of addresses and CIDR blocks (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`).
class TrustedProxies {
 public:
  TrustedProxies() = default;
  /// Comma- or space-separated entries; an empty text is an empty list. kInvalidArgument names
  /// the first entry that is not an address or a block.
  static core::Result<TrustedProxies> Parse(std::string_view list);
  bool Contains(const IpAddress& a) const;
  bool Empty() const { return blocks_.empty(); }

 private:
  struct Block {
    IpAddress base;
    int prefix = 128;  ///< bits of the 16-byte form
  };
  std::vector<Block> blocks_;
};

/// The client's address (no port). `peer` is the connection's remote address (`ip:port`,
/// `[v6]:port` or a bare address); `forwarded_for` the values of every `X-Forwarded-For` header
/// in order. When the peer is trusted, the header is walked from the right: trusted hops are
/// skipped and the first other entry is the client; a malformed entry there stops the walk at the
/// last trusted hop (the proxy itself is then the client, never a forged address). When the peer
/// is not trusted, the header is ignored.
std::string ClientAddress(const TrustedProxies& trusted, std::string_view peer,
                          const std::vector<std::string_view>& forwarded_for);

}  // namespace motcua::http
