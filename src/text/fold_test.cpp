#include "text/fold.hpp"

#include <gtest/gtest.h>

namespace motcua::text {
namespace {

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  for (auto& t : Tokenize(s)) out.push_back(t.folded);
  return out;
}

TEST(Fold, DiacriticsToneMarksCaseAndDStroke) {
  EXPECT_EQ(Fold("Đăng ký khai sinh"), "dang ky khai sinh");
  EXPECT_EQ(Fold("ĐĂNG KÝ KHAI SINH"), "dang ky khai sinh");
  EXPECT_EQ(Fold("Chứng thực bản sao từ bản chính"), "chung thuc ban sao tu ban chinh");
  EXPECT_EQ(Fold("Ưu đãi người có công"), "uu dai nguoi co cong");
  EXPECT_EQ(Fold("Thủ tục — hồ sơ"), "thu tuc — ho so");
}

TEST(Fold, DecomposedInputFoldsLikePrecomposed) {
  // "ế" written as e + U+0302 (circumflex) + U+0301 (acute).
  EXPECT_EQ(Fold("Bi\x65\xCC\x82\xCC\x81n"), "bien");
  EXPECT_EQ(Words("Bi\x65\xCC\x82\xCC\x81n lai"), (std::vector<std::string>{"bien", "lai"}));
}

TEST(Tokenize, WordsKeepTheirPlaceInTheOriginal) {
  std::string s = "Cấp Phiếu lý lịch tư pháp, số 1";
  auto tokens = Tokenize(s);
  ASSERT_EQ(tokens.size(), 8u);
  EXPECT_EQ(tokens[1].folded, "phieu");
  EXPECT_EQ(s.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), "Phiếu");
  EXPECT_EQ(tokens[7].folded, "1");
}

TEST(Tokenize, ProcedureCodesAndDecimalsStayWhole) {
  EXPECT_EQ(Words("mã 1.001193."), (std::vector<std::string>{"ma", "1.001193"}));
  EXPECT_EQ(Words("Điều 5.Khoản"), (std::vector<std::string>{"dieu", "5", "khoan"}));
  EXPECT_EQ(Words("...!!!"), std::vector<std::string>{});
}

TEST(WithinOneEdit, Typos) {
  EXPECT_TRUE(WithinOneEdit("khai", "khai"));
  EXPECT_TRUE(WithinOneEdit("dang", "dan"));
  EXPECT_TRUE(WithinOneEdit("chung", "chumg"));
  EXPECT_TRUE(WithinOneEdit("thuong", "thoung"));
  EXPECT_TRUE(WithinOneEdit("ky", "ki"));
  EXPECT_FALSE(WithinOneEdit("khai", "kha1x"));
  EXPECT_FALSE(WithinOneEdit("sinh", "tu"));
}

TEST(Highlight, EscapesAndMarks) {
  EXPECT_EQ(Highlight("a<b> & c", {{5, 6}}), "a&lt;b&gt; <mark>&amp;</mark> c");
  EXPECT_EQ(Highlight("Đăng ký", {{0, 6}}), "<mark>Đăng</mark> ký");
}

}  // namespace
}  // namespace motcua::text
