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

}  // namespace
}  // namespace motcua::core
