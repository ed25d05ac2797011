#pragma once
// Vietnamese-aware text folding for search and duplicate detection: lower case, diacritics and
// tone marks removed, đ → d, so "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh" and "dang ky khai sinh"
// are the same words. Every module that compares or searches Vietnamese text uses this, so that
// SQLite and PostgreSQL deployments answer alike.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace motcua::text {

/// "Đăng ký khai sinh (bản sao)" → "dang ky khai sinh (ban sao)". Invalid UTF-8 bytes are dropped.
std::string Fold(std::string_view utf8);

/// One word of a text: its folded form and where it is in the original (bytes).
struct Token {
  std::string folded;
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// The words (runs of letters and digits) of a text, folded. A dot between digits stays inside
/// the word, so that a procedure code like 1.001193 is one token.
std::vector<Token> Tokenize(std::string_view utf8);

/// True when `a` and `b` differ by at most one insertion, deletion, substitution or swap of
/// two neighbouring letters.
bool WithinOneEdit(std::string_view a, std::string_view b);

/// &, <, >, " and ' as entities.
std::string HtmlEscape(std::string_view text);

/// `text` HTML-escaped, with the byte ranges of `marks` (sorted, not overlapping) in <mark>.
std::string Highlight(std::string_view text, const std::vector<std::pair<std::size_t, std::size_t>>& marks);

}  // namespace motcua::text
