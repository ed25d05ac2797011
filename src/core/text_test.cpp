#include "core/text.hpp"

#include <gtest/gtest.h>

namespace motcua::core {
namespace {

TEST(HexDigitValue, AcceptsBothCasesOnly) {
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
  EXPECT_EQ(HexDigitValue('%'), -1);
}

TEST(RedactUrlPassword, HidesPasswords) {
  EXPECT_EQ(RedactUrlPassword("postgresql://motcua:s3cret@db:5432/motcua"),
            "postgresql://motcua:***@db:5432/motcua");
  EXPECT_EQ(RedactUrlPassword("postgresql://motcua@db/motcua"), "postgresql://motcua@db/motcua");
  EXPECT_EQ(RedactUrlPassword("postgresql:///motcua?host=/tmp&password=x&user=u"),
            "postgresql:///motcua?host=/tmp&password=***&user=u");
  EXPECT_EQ(RedactUrlPassword("sqlite:var/motcua.db"), "sqlite:var/motcua.db");
}

TEST(IsUtf8, AcceptsWellFormedTextOnly) {
  EXPECT_TRUE(IsUtf8(""));
  EXPECT_TRUE(IsUtf8("plain ASCII"));
  EXPECT_TRUE(IsUtf8("Đăng ký khai sinh — người"));
  EXPECT_TRUE(IsUtf8("\xF0\x9F\x98\x80"));   // U+1F600
  EXPECT_TRUE(IsUtf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF, the last code point
  EXPECT_TRUE(IsUtf8("\xEF\xBF\xBD"));        // U+FFFD
  for (std::string_view bad : {"\xFF", "\x80", "a\xC3", "\xC3(", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF",
                               "\xED\xA0\x80", "\xF0\x80\x80\xAF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
                               "\xE1\x80", "\xE1\x80(", "\xF0\x9F\x98"}) {
    EXPECT_FALSE(IsUtf8(bad)) << testing::PrintToString(std::string(bad));
  }
}

}  // namespace
}  // namespace motcua::core
