#include "payment/protocol.hpp"

#include <gtest/gtest.h>

namespace motcua::payment {
namespace {

using namespace std::chrono;

// 2026-12-04 09:30:00.123 UTC = 16:30:00 in Hà Nội.
const system_clock::time_point kT = sys_days(year(2026) / 12 / 4) + hours(9) + minutes(30) + milliseconds(123);

TEST(Protocol, TimesAre24HourInVietnam) {
  EXPECT_EQ(PlatformTime(kT), "20261204163000");
  EXPECT_EQ(PlatformTime(sys_days(year(2026) / 12 / 31) + hours(17) + minutes(5)), "20270101000500");
  EXPECT_EQ(Reference("000.00.02.H99-261204-0001", kT), "0000002H992612040001" "20261204163000" "123");
}

TEST(Protocol, InitMacIsSha256OfThePipeJoinedFieldsAndSecret) {
  Init m;
  m.partner = "MOTCUA";
  m.reference = "00000002H99261204000120261204163000123";
  m.amount = 200000;
  m.info = "Le phi LLTP";
  m.time = "20261204163000";
  m.ip = "127.0.0.1";
  std::string body = EncodeInit(m, "s3cret");
  EXPECT_NE(body.find("\"MaXacThuc\":\"b815a6bd7a838c964a9b5f564c48b8a1d10c570de301d86f53a97649b73828ca\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"SoTien\":\"200000\""), std::string::npos);
  auto back = DecodeInit(body, "s3cret");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->amount, 200000);
  EXPECT_FALSE(DecodeInit(body, "other"));
}

TEST(Protocol, ConfirmationAndQueryVectors) {
  Confirmation c{.type = "CONFIRM", .code = "00", .partner = "MOTCUA", .reference = "REF1", .amount = "200000", .currency = "VND",
                 .platform_txn = "GD1", .bank = "VCB", .time = "20261204163500", .info = "Le phi", .mac = "", .state = ""};
  EXPECT_EQ(SignConfirmation(c, "s3cret"), "d5fa9a7c8d253d727f392c7ff74828c4e6a2fced7737ce62e39b73da7323cce3");
  c.mac = "d5fa9a7c8d253d727f392c7ff74828c4e6a2fced7737ce62e39b73da7323cce3";
  EXPECT_TRUE(VerifyConfirmation(c, "s3cret"));
  auto upper = c;
  for (auto& ch : upper.mac) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_TRUE(VerifyConfirmation(upper, "s3cret"));
  c.amount = "200001";
  EXPECT_FALSE(VerifyConfirmation(c, "s3cret"));
  c.amount = "200000";
  c.mac.pop_back();
  EXPECT_FALSE(VerifyConfirmation(c, "s3cret"));
  auto decoded = DecodeConfirmation(EncodeConfirmation(upper));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->reference, "REF1");

  Query q{.type = "QUERY", .partner = "MOTCUA", .reference = "REF1", .time = "20261204163500", .mac = ""};
  EXPECT_EQ(SignQuery(q, "s3cret"), "8d248cbfdfb96888eff7bebac753f437110f8da6ce9dd2f5bdf27000c41e51f9");
  EXPECT_TRUE(DecodeQuery(EncodeQuery(q, "s3cret"), "s3cret"));
  EXPECT_FALSE(DecodeQuery(EncodeQuery(q, "s3cret"), "nope"));
}

TEST(Protocol, AmountsAreWholeVnd) {
  EXPECT_EQ(ParseAmount("200000"), 200000);
  for (const char* bad : {"", "0", "-5", "1.5", "1e5", "+5", " 5", "9999999999999999"}) EXPECT_FALSE(ParseAmount(bad)) << bad;
}

TEST(Protocol, InitReply) {
  EXPECT_EQ(DecodeInitReply(EncodeInitReply("http://x/pay/1")), "http://x/pay/1");
  EXPECT_FALSE(DecodeInitReply(R"({"error_code":"1","message":"{}"})"));
}

}  // namespace
}  // namespace motcua::payment
