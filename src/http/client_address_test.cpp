#include "http/client_address.hpp"

#include <gtest/gtest.h>

namespace motcua::http {
namespace {

TrustedProxies Trust(std::string_view list) {
  auto t = TrustedProxies::Parse(list);
  EXPECT_TRUE(t.has_value()) << list;
  return t ? *t : TrustedProxies{};
}

TEST(ClientAddressTest, ParsesAddressesWithAndWithoutPorts) {
  EXPECT_EQ(ParseIp("203.0.113.7")->ToString(), "203.0.113.7");
  EXPECT_EQ(ParseIp(" 203.0.113.7:51234 ")->ToString(), "203.0.113.7");
  EXPECT_EQ(ParseIp("2001:db8::1")->ToString(), "2001:db8::1");
  EXPECT_EQ(ParseIp("2001:DB8:0:0:0:0:0:1")->ToString(), "2001:db8::1");
  EXPECT_EQ(ParseIp("[2001:db8::1]:443")->ToString(), "2001:db8::1");
  EXPECT_EQ(ParseIp("[::1]")->ToString(), "::1");
  // IPv4-mapped IPv6 is the IPv4 address (a dual-stack socket reports it so).
  EXPECT_EQ(ParseIp("::ffff:198.51.100.2")->ToString(), "198.51.100.2");
  for (std::string_view bad : {"", "unknown", "_hidden", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4:99999", "1.2.3.4:",
                               "[1.2.3.4]", "[::1", "fe80::1%eth0", "2001:db8::g", "1.2.3.4 5.6.7.8", "<script>"}) {
    EXPECT_FALSE(ParseIp(bad).has_value()) << bad;
  }
}

TEST(ClientAddressTest, ParsesTrustedListsAndRefusesGarbage) {
  auto t = Trust("10.0.0.0/8, 192.0.2.7 fd00::/8");
  EXPECT_TRUE(t.Contains(*ParseIp("10.255.1.2")));
  EXPECT_TRUE(t.Contains(*ParseIp("192.0.2.7")));
  EXPECT_FALSE(t.Contains(*ParseIp("192.0.2.8")));
  EXPECT_TRUE(t.Contains(*ParseIp("fd12:3456::1")));
  EXPECT_FALSE(t.Contains(*ParseIp("fe80::1")));
  EXPECT_FALSE(t.Contains(*ParseIp("11.0.0.1")));
  // A block written with host bits set means its network.
  EXPECT_TRUE(Trust("172.16.5.9/12").Contains(*ParseIp("172.31.0.1")));
  EXPECT_FALSE(Trust("172.16.5.9/12").Contains(*ParseIp("172.32.0.1")));
  // An IPv4 block covers the IPv4-mapped spelling too.
  EXPECT_TRUE(Trust("127.0.0.0/8").Contains(*ParseIp("::ffff:127.0.0.1")));
  EXPECT_TRUE(Trust("").Empty());
  EXPECT_TRUE(Trust(" , ").Empty());
  for (std::string_view bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "localhost", "[::1]", "1.2.3.4:80"}) {
    auto p = TrustedProxies::Parse(bad);
    ASSERT_FALSE(p.has_value()) << bad;
    EXPECT_NE(p.error().message.find(bad), std::string::npos) << p.error().message;
  }
}

TEST(ClientAddressTest, PeerIsTheClientWhenNotTrusted) {
  auto none = TrustedProxies{};
  // With no trusted proxies a forged header changes nothing.
  EXPECT_EQ(ClientAddress(none, "198.51.100.9", {"203.0.113.1"}), "198.51.100.9");
  auto t = Trust("10.0.0.1");
  EXPECT_EQ(ClientAddress(t, "198.51.100.9", {"203.0.113.1"}), "198.51.100.9");
  EXPECT_EQ(ClientAddress(t, "198.51.100.9", {}), "198.51.100.9");
  EXPECT_EQ(ClientAddress(t, "2001:db8::5", {"203.0.113.1"}), "2001:db8::5");
}

TEST(ClientAddressTest, RightMostUntrustedHopBehindTrustedProxies) {
  auto t = Trust("10.0.0.0/8, 2001:db8:ffff::/48");
  // One proxy.
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"203.0.113.5"}), "203.0.113.5");
  // A client that sends its own header through the proxy: the proxy appends the real address;
  // whatever the client wrote to the left is not believed.
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"1.1.1.1, 203.0.113.5"}), "203.0.113.5");
  // A chain of trusted proxies is walked past.
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"203.0.113.5, 10.2.3.4, 10.9.9.9"}), "203.0.113.5");
  // Several headers are one list, in order.
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"1.1.1.1", "203.0.113.5, 10.2.3.4"}), "203.0.113.5");
  // IPv6 clients and proxies, with ports and brackets.
  EXPECT_EQ(ClientAddress(t, "2001:db8:ffff::2", {"[2001:db8:1::7]:5555"}), "2001:db8:1::7");
  EXPECT_EQ(ClientAddress(t, "::ffff:10.0.0.1", {"2001:db8:1::7, 2001:db8:ffff::3"}), "2001:db8:1::7");
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"203.0.113.5:40000"}), "203.0.113.5");
  // No header, or every hop trusted: the farthest known proxy.
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {}), "10.0.0.1");
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"10.0.0.2, 10.0.0.3"}), "10.0.0.2");
  // Empty entries are skipped.
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"203.0.113.5,, "}), "203.0.113.5");
}

TEST(ClientAddressTest, GarbageInTheHeaderNeverBecomesTheAddress) {
  auto t = Trust("10.0.0.0/8");
  // Right-most entry unreadable: the proxy is the client (no forged value is taken).
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"203.0.113.5, unknown"}), "10.0.0.1");
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"<script>alert(1)</script>"}), "10.0.0.1");
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"203.0.113.5, 10.0.0.7, 999.1.1.1"}), "10.0.0.1");
  // Garbage beyond the first untrusted hop does not matter.
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"garbage, 203.0.113.5, 10.0.0.7"}), "203.0.113.5");
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {"garbage, 10.0.0.7"}), "10.0.0.7");
  EXPECT_EQ(ClientAddress(t, "10.0.0.1", {std::string_view("203.0.113.5\0x", 13)}), "10.0.0.1");
}

}  // namespace
}  // namespace motcua::http
