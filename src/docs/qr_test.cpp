#include "docs/qr.hpp"

#include <gtest/gtest.h>

#include <string>

namespace motcua::docs {
namespace {

TEST(Qr, ATrackingUrlMakesASmallSymbolWithFinderPatterns) {
  auto qr = EncodeQr("https://dichvucong.example.gov.vn/tra-cuu-ho-so?ma=000.00.02.H99-261204-0001");
  ASSERT_TRUE(qr);
  EXPECT_GE(qr->size, 21);
  EXPECT_LE(qr->size, 41) << "level M, version 6 at most for an address this long";
  EXPECT_EQ((qr->size - 17) % 4, 0) << "a QR symbol is 17 + 4 × version modules wide";
  // The three finder patterns: dark 7×7 squares with a light ring inside.
  for (auto [x0, y0] : {std::pair{0, 0}, std::pair{qr->size - 7, 0}, std::pair{0, qr->size - 7}}) {
    EXPECT_TRUE(qr->At(x0, y0));
    EXPECT_TRUE(qr->At(x0 + 6, y0 + 6));
    EXPECT_FALSE(qr->At(x0 + 1, y0 + 1));
    EXPECT_TRUE(qr->At(x0 + 3, y0 + 3));
  }
}

TEST(Qr, EmptyOrTooLongTextHasNoSymbol) {
  EXPECT_FALSE(EncodeQr(""));
  EXPECT_FALSE(EncodeQr(std::string(5000, 'a')));
  EXPECT_TRUE(EncodeQr(std::string(2000, 'a')));
}

}  // namespace
}  // namespace motcua::docs
