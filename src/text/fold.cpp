#include "text/fold.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <mutex>

namespace motcua::text {

namespace {

constexpr char32_t kSeparator = 0xFFFFFFFF;
constexpr char32_t kTableSize = 0x2000;  // Latin, Latin Extended, Vietnamese (U+1EA0–U+1EF9)

// The folded form of one code point: an ASCII letter or digit, another lower-case letter, or
// kSeparator for anything that is not a letter or a digit.
char32_t FoldCodePoint(char32_t c) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') return c + ('a' - 'A');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return c;
    return kSeparator;
  }
  if (c == 0x0110 || c == 0x0111) return 'd';  // Đ đ: a letter of its own, no decomposition
  auto u = static_cast<UChar32>(c);
  if (!u_isalnum(u)) return u_getCombiningClass(u) != 0 ? 0 : kSeparator;  // 0: a mark, dropped
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString decomposition;
  UChar32 base = u;
  if (U_SUCCESS(status) && nfd->getDecomposition(u, decomposition) && decomposition.length() > 0) {
    base = decomposition.char32At(0);
  }
  return static_cast<char32_t>(u_tolower(base));
}

const std::array<char32_t, kTableSize>& Table() {
  static const std::array<char32_t, kTableSize> table = [] {
    std::array<char32_t, kTableSize> t{};
    for (char32_t c = 0; c < kTableSize; ++c) t[c] = FoldCodePoint(c);
    return t;
  }();
  return table;
}

char32_t Folded(char32_t c) { return c < kTableSize ? Table()[c] : FoldCodePoint(c); }

void Append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
    return;
  }
  char buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, static_cast<UChar32>(c), error);
  if (!error) out.append(buf, static_cast<std::size_t>(len));
}

// Walks the code points of `s`, calling f(code point, byte begin, byte end); invalid bytes skipped.
template <typename F>
void ForEachCodePoint(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(p, i, length, c);
    if (c < 0) continue;
    f(static_cast<char32_t>(c), static_cast<std::size_t>(start), static_cast<std::size_t>(i));
  }
}

}  // namespace

std::string Fold(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  ForEachCodePoint(utf8, [&](char32_t c, std::size_t, std::size_t) {
    char32_t f = Folded(c);
    if (f == 0) return;  // a combining mark
    Append(out, f == kSeparator ? c : f);
  });
  return out;
}

std::vector<Token> Tokenize(std::string_view utf8) {
  std::vector<Token> tokens;
  Token current;
  bool open = false;
  char32_t previous = kSeparator;
  std::size_t pending_dot = std::string::npos;  // a '.' after a digit, kept if a digit follows
  auto close = [&]() {
    if (open) tokens.push_back(std::move(current));
    current = Token{};
    open = false;
  };
  ForEachCodePoint(utf8, [&](char32_t c, std::size_t begin, std::size_t end) {
    char32_t f = Folded(c);
    if (f == 0) {  // a combining mark extends the current letter
      if (open) current.end = end;
      return;
    }
    if (f == kSeparator) {
      if (c == '.' && open && previous >= '0' && previous <= '9' && pending_dot == std::string::npos) {
        pending_dot = begin;
        return;
      }
      pending_dot = std::string::npos;
      close();
      previous = kSeparator;
      return;
    }
    if (pending_dot != std::string::npos) {
      if (f >= '0' && f <= '9') {
        current.folded.push_back('.');
      } else {
        close();
      }
      pending_dot = std::string::npos;
    }
    if (!open) {
      current.begin = begin;
      open = true;
    }
    Append(current.folded, f);
    current.end = end;
    previous = f;
  });
  close();
  return tokens;
}

bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or one letter appended
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);  // one letter inserted in b
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Highlight(std::string_view text, const std::vector<std::pair<std::size_t, std::size_t>>& marks) {
  std::string out;
  std::size_t at = 0;
  for (const auto& [begin, end] : marks) {
    if (begin < at || end > text.size() || begin >= end) continue;
    out += HtmlEscape(text.substr(at, begin - at));
    out += "<mark>";
    out += HtmlEscape(text.substr(begin, end - begin));
    out += "</mark>";
    at = end;
  }
  out += HtmlEscape(text.substr(at));
  return out;
}

}  // namespace motcua::text
