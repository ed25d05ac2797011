#include <gtest/gtest.h>

#include "crypto/encoding.hpp"
#include "notify/channels.hpp"
#include "notify/delivery.hpp"
#include "notify/mime.hpp"
#include "notify/sender.hpp"
#include "notify/templates.hpp"

namespace motcua::notify {
namespace {

using namespace std::chrono_literals;

TEST(NotifyTemplates, RenderReplacesEveryPlaceholderOrRefusesTheWholeText) {
  std::map<std::string, std::string> v{{"code", "000.00.02.H99-261204-0001"}, {"procedure", "Cấp phiếu"}};
  EXPECT_EQ(*Render("Hồ sơ {{code}} ({{ procedure }})", v), "Hồ sơ 000.00.02.H99-261204-0001 (Cấp phiếu)");
  EXPECT_EQ(*Render("no placeholders", v), "no placeholders");
  auto missing = Render("{{code}} {{nope}}", v);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("{{nope}}"), std::string::npos);
  EXPECT_FALSE(Render("{{code", v));
  EXPECT_FALSE(Render("{{}}", v));
  EXPECT_FALSE(Render("{{Code!}}", v));
}

TEST(NotifyTemplates, ValidateAcceptsOnlyTheEventsFields) {
  const EventInfo* e = FindEvent("dossier.submitted");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(Validate("Hồ sơ {{code}} — {{procedure}}", e->fields));
  auto bad = Validate("Hồ sơ {{code}} {{unknown_field}}", e->fields);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown_field"), std::string::npos);
  EXPECT_FALSE(Validate("{{code", e->fields));
}

TEST(NotifyTemplates, EveryShippedTemplateRendersWithItsEventsFields) {
  for (const auto& e : Events()) {
    std::map<std::string, std::string> values;
    for (auto f : e.fields) values[std::string(f)] = "x";
    for (auto ch : {Channel::kEmail, Channel::kSms, Channel::kInApp}) {
      for (auto lang : {"vi", "en"}) {
        auto t = DefaultTemplate(e.event, ch, lang);
        ASSERT_TRUE(t) << e.event;
        EXPECT_TRUE(Validate(t->subject, e.fields)) << e.event << " " << lang;
        EXPECT_TRUE(Validate(t->body, e.fields)) << e.event << " " << lang;
        EXPECT_TRUE(Render(t->body, values)) << e.event;
      }
    }
  }
  EXPECT_FALSE(DefaultTemplate("no.such.event", Channel::kEmail, "vi"));
}

TEST(NotifyTemplates, ValuesComeFromThePayloadWithALinkToTheDossier) {
  auto v = TemplateValues("dossier.submitted", R"({"code":"A-1","status":1,"extra":true})", "https://dvc.example");
  EXPECT_EQ(v["code"], "A-1");
  EXPECT_EQ(v["status"], "1");
  EXPECT_EQ(v["reason"], "");  // declared, absent: empty
  EXPECT_EQ(v["link"], "https://dvc.example/ho-so/A-1");
  auto due = TemplateValues("dossier.received", R"({"code":"A-1","due_at":"2026-12-10T17:00:00+07:00"})", "");
  EXPECT_EQ(due["due_at"], "17:00 10/12/2026");
}

TEST(NotifyDelivery, BackoffDoublesUpToTheCapWithBoundedJitter) {
  Backoff b{30s, 3600s};
  EXPECT_EQ(b.Delay(1, 1.0), 30000ms);
  EXPECT_EQ(b.Delay(1, 0.0), 15000ms);
  EXPECT_EQ(b.Delay(2, 1.0), 60000ms);
  EXPECT_EQ(b.Delay(5, 1.0), 480000ms);
  EXPECT_EQ(b.Delay(10, 1.0), 3600000ms);
  EXPECT_EQ(b.Delay(1000, 1.0), 3600000ms);
  for (int n = 1; n < 20; ++n) {
    EXPECT_LE(b.Delay(n, 0.3), b.Delay(n + 1, 0.3));
    EXPECT_GE(b.Delay(n, 0.0) * 2, b.Delay(n, 0.999));
  }
}

TEST(NotifyDelivery, RateLimitWaitsUntilTheOldestLeavesTheHour) {
  EXPECT_EQ(RateLimitWait(0, 3, 0s), 0s);
  EXPECT_EQ(RateLimitWait(2, 3, 100s), 0s);
  EXPECT_EQ(RateLimitWait(3, 3, 600s), 3000s);
  EXPECT_EQ(RateLimitWait(5, 3, 3700s), 1s);
  EXPECT_EQ(RateLimitWait(100, 0, 0s), 0s);  // no limit
}

TEST(NotifyDelivery, EmailAddressesAreCheckedAndTheirDomainLowerCased) {
  EXPECT_EQ(NormalizeEmail("Nguyen.An@Demo.Invalid"), "Nguyen.An@demo.invalid");
  EXPECT_EQ(NormalizeEmail(" a+tag@x.vn "), "a+tag@x.vn");
  for (auto bad : {"", "plain", "@x.vn", "a@", "a@x", "a b@x.vn", "a@x..vn", "a@-x.vn", "a@x-.vn", "a.@x.vn",
                   "a@@x.vn", "a<b@x.vn", "a@x.vn\r\nRCPT TO:<b@y.vn>", "nguyễn@x.vn"}) {
    EXPECT_FALSE(NormalizeEmail(bad)) << bad;
  }
}

TEST(NotifyDelivery, PhoneNumbersAreVietnameseMobilesInInternationalForm) {
  EXPECT_EQ(NormalizePhone("0912345678"), "84912345678");
  EXPECT_EQ(NormalizePhone("+84 912 345 678"), "84912345678");
  EXPECT_EQ(NormalizePhone("84.912.345.678"), "84912345678");
  EXPECT_EQ(NormalizePhone("0387-654-321"), "84387654321");
  for (auto bad : {"", "12345", "0212345678", "091234567", "09123456789", "+1 415 555 0100", "09l2345678", "++84912345678"}) {
    EXPECT_FALSE(NormalizePhone(bad)) << bad;
  }
}

TEST(NotifyMime, SubjectsAreEncodedWordsThatNeverSplitACharacter) {
  EXPECT_EQ(EncodeHeaderWord("Plain subject"), "Plain subject");
  std::string subject = "Hồ sơ 000.00.02.H99-261204-0001 đã được tiếp nhận và đang được xử lý ở Sở Tư pháp";
  std::string encoded = EncodeHeaderWord(subject);
  std::string decoded;
  std::size_t pos = 0;
  while ((pos = encoded.find("=?UTF-8?B?", pos)) != std::string::npos) {
    auto end = encoded.find("?=", pos + 10);
    auto word = crypto::Base64Decode(encoded.substr(pos + 10, end - pos - 10));
    ASSERT_TRUE(word);
    // Each word is valid UTF-8 on its own: it does not end inside a sequence.
    unsigned char last = static_cast<unsigned char>(word->back());
    EXPECT_TRUE(last < 0x80 || (word->size() >= 2)) << *word;
    decoded += *word;
    EXPECT_LE(end + 2 - pos, 75u);
    pos = end;
  }
  EXPECT_EQ(decoded, subject);
}

TEST(NotifyMime, MessageHasAStableIdUtf8HeadersAndABase64Body) {
  MailMessage m{"0190a0a0-0000-7000-8000-000000000001", "no-reply@dvc.example", "Một cửa", "a@x.vn",
                "Hồ sơ A", "Kính gửi\n.\nhết", "Fri, 04 Dec 2026 10:00:00 +0000"};
  std::string text = BuildMessage(m);
  EXPECT_NE(text.find("Message-ID: <0190a0a0-0000-7000-8000-000000000001@dvc.example>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
  auto body_at = text.find("\r\n\r\n");
  std::string b64 = text.substr(body_at + 4);
  std::erase(b64, '\r');
  std::erase(b64, '\n');
  EXPECT_EQ(crypto::Base64Decode(b64), "Kính gửi\r\n.\r\nhết");
  EXPECT_EQ(MailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(NotifyMime, DotStuffingDoublesLeadingDotsAndEndsWithCrlf) {
  EXPECT_EQ(DotStuff(".\r\nfoo\r\n..bar\nbaz"), "..\r\nfoo\r\n...bar\r\nbaz\r\n");
  EXPECT_EQ(DotStuff("a.b\r\n"), "a.b\r\n");
}

TEST(NotifySms, SignatureIsHmacSha256OfTheBody) {
  // RFC 4231 test case 2.
  EXPECT_EQ(SmsSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(SmsBody("id1", "84912345678", "Hồ sơ", "MOTCUA"),
            R"({"id":"id1","to":"84912345678","text":"Hồ sơ","sender":"MOTCUA"})");
}

}  // namespace
}  // namespace motcua::notify
