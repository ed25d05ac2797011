#include "dossier/form.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string_view>

#include "identity/rules.hpp"

namespace motcua::dossier {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxProblems = 200;
constexpr std::size_t kMaxArrayItems = 1000;
constexpr std::size_t kMaxEnumValues = 500;

constexpr std::array<std::string_view, 27> kKeywords{
    "type",     "properties", "required", "additionalProperties", "items",       "minItems",
    "maxItems", "enum",       "const",    "minLength",            "maxLength",   "pattern",
    "format",   "minimum",    "maximum",  "title",                "title_en",    "description",
    "default",  "prefill",    "if",       "then",                 "else",        "allOf",
    "dependentRequired", "enum_titles", "enum_titles_en"};

constexpr std::array<std::string_view, 6> kTypes{"object",  "array",  "string",
                                                 "integer", "number", "boolean"};
constexpr std::array<std::string_view, 4> kFormats{"date", "email", "phone", "id_number"};
constexpr std::array<std::string_view, 9> kPrefillKeys{
    "full_name", "id_number", "birth_date", "gender",       "email",
    "phone",     "address",   "tax_code",   "business_name"};

template <std::size_t N>
bool OneOf(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool Supported(std::string_view keyword) { return OneOf(kKeywords, keyword); }

// RFC 6901: '~' is written "~0" and '/' is written "~1".
std::string Child(const std::string& at, std::string_view key) {
  std::string out = at;
  out.reserve(at.size() + key.size() + 1);
  out += '/';
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string Child(const std::string& at, std::size_t index) {
  return at + "/" + std::to_string(index);
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Well-formed UTF-8 (RFC 3629): no stray continuation bytes, overlong forms, surrogates or
// code points above U+10FFFF. Boost.JSON's parser checks this, but a value can be built in code.
bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool Blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
}

bool IsNonNegativeInteger(const json::value& v) {
  return (v.is_int64() && v.as_int64() >= 0) || v.is_uint64();
}

std::uint64_t AsCount(const json::value& v) {
  return v.is_uint64() ? v.as_uint64() : static_cast<std::uint64_t>(v.as_int64());
}

double AsDouble(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return v.as_double();
}

// Numbers as people write them (Boost.JSON would write 1.5 as "1.5E0").
std::string NumberText(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v.as_double());
  return ec == std::errc() ? std::string(buf.data(), end) : "?";
}

std::string ValueText(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_number()) return NumberText(v);
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_null()) return "null";
  return v.is_array() ? "[…]" : "{…}";
}

// How big a value is, roughly as JSON bytes, and how deep it nests (the root is at depth 0);
// walked with its own stack so that a deeply nested value cannot exhaust the call stack. Stops
// as soon as either limit is passed.
struct Extent {
  bool too_large = false;
  bool too_deep = false;
};

Extent Measure(const json::value& root, std::size_t budget, std::size_t max_depth) {
  std::size_t total = 0;
  std::vector<std::pair<const json::value*, std::size_t>> todo{{&root, 0}};
  while (!todo.empty()) {
    auto [v, depth] = todo.back();
    todo.pop_back();
    if (depth > max_depth) return {false, true};
    if (v->is_string()) {
      total += v->as_string().size() + 3;
    } else if (v->is_array()) {
      total += 2;
      for (const auto& e : v->as_array()) todo.emplace_back(&e, depth + 1);
    } else if (v->is_object()) {
      total += 2;
      for (const auto& kv : v->as_object()) {
        total += kv.key().size() + 4;
        todo.emplace_back(&kv.value(), depth + 1);
      }
    } else {
      total += 8;
    }
    if (total > budget) return {true, false};
  }
  return {};
}

// --- type -------------------------------------------------------------------------------

struct TypeSpec {
  std::string_view type;  // empty: any type
  bool nullable = false;
};

std::optional<TypeSpec> ReadType(const json::value* t) {
  if (t == nullptr) return TypeSpec{};
  if (t->is_string()) {
    if (!OneOf(kTypes, t->as_string())) return std::nullopt;
    return TypeSpec{t->as_string(), false};
  }
  if (t->is_array() && t->as_array().size() == 2) {
    const auto& a = t->as_array();
    if (!a[0].is_string() || !a[1].is_string()) return std::nullopt;
    std::string_view x = a[0].as_string(), y = a[1].as_string();
    if (x == "null" && OneOf(kTypes, y)) return TypeSpec{y, true};
    if (y == "null" && OneOf(kTypes, x)) return TypeSpec{x, true};
  }
  return std::nullopt;
}

bool HasType(const json::value& v, std::string_view type) {
  if (type.empty()) return true;
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  // JSON Schema counts 2.0 as an integer: a client may write whole numbers that way.
  if (type == "integer") {
    return v.is_int64() || v.is_uint64() ||
           (v.is_double() && std::isfinite(v.as_double()) &&
            std::trunc(v.as_double()) == v.as_double());
  }
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_bool();
  return false;
}

struct Words {
  const char* vi;
  const char* en;
};

Words TypeWords(std::string_view type) {
  if (type == "object") return {"một nhóm thông tin", "a group of fields"};
  if (type == "array") return {"một danh sách", "a list"};
  if (type == "string") return {"chuỗi ký tự", "text"};
  if (type == "integer") return {"số nguyên", "a whole number"};
  if (type == "number") return {"số", "a number"};
  return {"đúng hoặc sai", "true or false"};
}

// --- formats ----------------------------------------------------------------------------

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ValidDate(std::string_view s) { return identity::ParseDate(s).has_value(); }

// Mobile and landline numbers as written in Vietnam: 0xxxxxxxxx, or +84 then the 9 digits
// after the leading 0.
bool ValidPhone(std::string_view s) {
  if (s.size() == 10 && s[0] == '0') return AllDigits(s);
  if (s.size() == 12 && s.substr(0, 3) == "+84") return AllDigits(s.substr(3));
  return false;
}

// The same prefix rule as identity::CheckPersonalId: a province code, or above 100 a country
// code for births registered abroad (Circular 07/2016/TT-BCA).
bool ValidIdNumber(std::string_view s) {
  if (s.size() != 12 || !AllDigits(s)) return false;
  std::string_view place = s.substr(0, 3);
  return place[0] != '0' || identity::PinProvinceName(place).has_value();
}

// What mail servers and people accept in practice, not RFC 5322's full grammar: one '@', a
// local part without spaces or specials, a domain of at least two dot-separated labels.
bool ValidEmail(std::string_view s) {
  if (s.size() > 254) return false;
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (unsigned char c : local) {
    if (c <= ' ' || c == 0x7F || std::string_view("@\"(),:;<>[\\]").find(static_cast<char>(c)) !=
                                     std::string_view::npos) {
      return false;
    }
  }
  if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (unsigned char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c >= 0x80;  // internationalised domain names
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) {
      return label.size() >= 2 && !AllDigits(label);  // a top-level domain is not a number
    }
    start = dot + 1;
  }
  return false;
}

// --- patterns ---------------------------------------------------------------------------

// libstdc++'s default matcher backtracks (exponential time on (a?){25}a{25}) and recurses once
// per step. Its Thompson-NFA mode, requested with the library's __polynomial flag, keeps a set
// of states instead: time is the answer's length times the number of states, and it refuses
// back-references (which need backtracking) when the pattern is compiled.
#if defined(__GLIBCXX__)
constexpr auto kPatternFlags = std::regex::ECMAScript | std::regex_constants::__polynomial;
#else
#error "form.cpp relies on libstdc++'s polynomial regex mode"
#endif

// libstdc++ copies a group once per counted repetition ([0-9]{12} is 12 states); the matcher's
// work per character grows with the states, so the total is bounded. Realistic patterns (codes,
// e-mail shapes) stay in the low hundreds.
constexpr std::size_t kMaxPatternStates = 1000;

// A repetition count as written, saturating so that {99999999999} cannot overflow.
std::size_t Count(std::string_view digits) {
  std::size_t n = 0;
  for (char c : digits) {
    n = std::min<std::size_t>(n * 10 + static_cast<std::size_t>(c - '0'), 1'000'000);
  }
  return n;
}

// Why a pattern's shape cannot be used, or nullopt. A conservative syntactic pass, done before
// std::regex sees the pattern:
// - a repeated group whose body can match the same text in more than one way ((a+)+, (a|aa)*,
//   (a?){25}) is refused: harmless in the polynomial matcher, but exponential in any
//   backtracking one, and never needed where a character class ([ab]*) says the same;
// - the number of NFA states libstdc++ would build is estimated and capped;
// - the matcher works on bytes, so a non-ASCII character in a class or before a quantifier would
//   silently mean something else ([ễ] is three bytes, ễ+ repeats the last byte) and is refused;
// - back-references are refused (they need backtracking).
std::optional<std::string> PatternShapeProblem(std::string_view p, std::size_t& states) {
  struct Group {
    bool varies = false;      // holds '|' or a repetition of variable count
    std::size_t states = 0;   // estimated NFA states of the body so far
  };
  constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();
  std::vector<Group> stack(1);
  bool last_is_group = false, last_group_varies = false, last_non_ascii = false;
  std::size_t last_states = 0;  // states of the last atom, for a following quantifier
  auto atom = [&](std::size_t n, bool group, bool non_ascii) {
    stack.back().states += n;
    last_states = n;
    last_is_group = group;
    last_non_ascii = non_ascii;
  };
  const std::string bytes_message =
      "Mẫu (pattern) được so khớp theo từng byte: ký tự ngoài ASCII (như chữ có dấu) không "
      "dùng được trong [...] hay trước *, +, ?, {n}. / Patterns match bytes: a non-ASCII "
      "character (such as a Vietnamese letter) cannot be used inside [...] or before *, +, ? "
      "or {n}.";
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    bool quantifier = false, variable = false;
    std::size_t repeats = 1;  // most times the atom may match in a row (kUnbounded: no limit)
    std::size_t copies = 1;   // copies of the atom libstdc++ builds
    if (c == '\\') {
      ++i;
      if (i < p.size() && p[i] >= '1' && p[i] <= '9') {
        return "Mẫu (pattern) không được dùng tham chiếu ngược như \\1. / Back-references such "
               "as \\1 are not supported in patterns.";
      }
      atom(1, false, i < p.size() && static_cast<unsigned char>(p[i]) >= 0x80);
    } else if (c == '[') {
      for (++i; i < p.size() && p[i] != ']'; ++i) {
        if (static_cast<unsigned char>(p[i]) >= 0x80) return bytes_message;
        if (p[i] == '\\') ++i;
      }
      atom(1, false, false);
    } else if (c == '(') {
      stack.push_back({});
      if (i + 2 < p.size() && p[i + 1] == '?') i += 2;  // (?: (?= (?!
      last_is_group = last_non_ascii = false;
      last_states = 0;
    } else if (c == ')') {
      if (stack.size() > 1) {
        Group g = stack.back();
        stack.pop_back();
        stack.back().varies = stack.back().varies || g.varies;
        last_group_varies = g.varies;
        atom(g.states + 2, true, false);
      } else {
        atom(1, false, false);
      }
    } else if (c == '|') {
      stack.back().varies = true;
      stack.back().states += 1;
      last_is_group = last_non_ascii = false;
      last_states = 0;
    } else if (c == '*' || c == '+' || c == '?') {
      quantifier = variable = true;
      repeats = c == '?' ? 1 : kUnbounded;
      copies = c == '+' ? 2 : 1;
    } else if (c == '{') {
      std::size_t close = p.find('}', i);
      std::string_view body =
          close == std::string_view::npos ? std::string_view() : p.substr(i + 1, close - i - 1);
      auto comma = body.find(',');
      std::string_view low = body.substr(0, comma);
      std::string_view high = comma == std::string_view::npos ? low : body.substr(comma + 1);
      bool counted = AllDigits(low) && (high.empty() ? comma != std::string_view::npos
                                                     : AllDigits(high));
      if (counted) {
        quantifier = true;
        std::size_t lo = Count(low), hi = high.empty() ? kUnbounded : Count(high);
        variable = hi != lo;
        repeats = hi;
        copies = std::max<std::size_t>(high.empty() ? lo + 1 : std::max(lo, hi), 1);
        i = close;
      } else {
        // libstdc++ reads the digits after any '{' into a long without an overflow check.
        return "Trong mẫu (pattern), { phải là số lần lặp {n}, {n,} hoặc {n,m}; để chỉ ký tự { "
               "hãy viết \\{. / In a pattern, { must be a count {n}, {n,} or {n,m}; write \\{ "
               "for the character itself.";
      }
    } else {
      atom(1, false, static_cast<unsigned char>(c) >= 0x80);
    }
    if (quantifier) {
      if (last_non_ascii) return bytes_message;
      // Repeating a group more than once: (a+)+, (a|b)*, (a?){25}.
      if (last_is_group && last_group_varies && repeats > 1) {
        return "Mẫu (pattern) lặp một nhóm có thể khớp theo nhiều cách, như (a+)+ hoặc (a|b)*; "
               "hãy dùng lớp ký tự như [ab]*. / The pattern repeats a group that can match in "
               "several ways, such as (a+)+ or (a|b)*; use a character class such as [ab]* "
               "instead.";
      }
      if (variable) stack.back().varies = true;
      stack.back().states += last_states * (copies - 1) + 1;
      if (i + 1 < p.size() && p[i + 1] == '?') ++i;  // lazy form
      last_is_group = last_non_ascii = false;
    }
    if (stack.back().states > kMaxPatternStates) {
      return "Mẫu (pattern) quá phức tạp (lặp quá nhiều lần, như [0-9]{5000}). / The pattern is "
             "too complex (too many repetitions, such as [0-9]{5000}).";
    }
  }
  states = stack.front().states + 1;
  return std::nullopt;
}

// A pattern ready to use: matched with regex_match against `[\s\S]*(?:pattern)[\s\S]*`, which
// is a search done in a single pass (regex_search would restart at every position).
struct Pattern {
  std::regex anywhere;
  std::size_t states = 0;  // estimated; the cost of a match is about states × bytes
};

// What one ValidateForm may spend on patterns, in states × bytes (a tenth of a second or so):
// a form of a few hundred short answers uses a fraction of it, a form built to make every
// answer cost the most is stopped.
constexpr std::size_t kMaxPatternWork = 2'000'000;

// All the patterns of one form together: compiling them is paid again by each ValidateForm that
// meets them, so a form of thousands of large patterns is refused (realistic forms use a few
// thousand states at most).
constexpr std::size_t kMaxSchemaPatternStates = 20'000;

// Why a pattern cannot be used, or nullopt when it can; `compiled` receives the pattern.
std::optional<std::string> CompilePattern(std::string_view pattern,
                                          std::optional<Pattern>& compiled) {
  if (CodePoints(pattern) > kMaxPatternChars) {
    return "Mẫu (pattern) dài quá " + std::to_string(kMaxPatternChars) +
           " ký tự. / The pattern is longer than " + std::to_string(kMaxPatternChars) +
           " characters.";
  }
  std::size_t states = 0;
  if (auto why = PatternShapeProblem(pattern, states)) return why;
  try {
    // The pattern alone first, so that one that only parses once wrapped (a)|(b) is refused.
    std::regex alone(std::string(pattern), kPatternFlags);
    compiled.emplace(Pattern{
        std::regex("[\\s\\S]*(?:" + std::string(pattern) + ")[\\s\\S]*", kPatternFlags),
        states + 2});
  } catch (const std::regex_error& e) {
    compiled.reset();
    return std::string("Mẫu (pattern) không hợp lệ: ") + e.what() +
           " / The pattern is not a valid regular expression: " + e.what();
  }
  return std::nullopt;
}

// --- labels -----------------------------------------------------------------------------

struct Label {
  std::string vi;
  std::string en;
};

std::string_view StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

Label LabelOf(const json::value* node, std::string_view name) {
  Label out{std::string(name), std::string(name)};
  if (node == nullptr || !node->is_object()) return out;
  std::string_view vi = StringMember(node->as_object(), "title");
  std::string_view en = StringMember(node->as_object(), "title_en");
  if (!vi.empty()) out.vi = vi;
  if (!en.empty()) out.en = en;
  else if (!vi.empty()) out.en = vi;
  return out;
}

// A sentence starts with a capital; titles are usually written that way already.
std::string Sentence(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// --- ordering ---------------------------------------------------------------------------

// Pointers compared segment by segment, array indices as numbers (/a/2 before /a/10). A
// segment of digits sorts before any other segment, so that the order stays a strict weak
// ordering (/2 < /100 < /1a < /2 would be a cycle otherwise).
bool SegmentLess(std::string_view a, std::string_view b) {
  bool na = AllDigits(a), nb = AllDigits(b);
  if (na != nb) return na;
  if (na && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

bool PointerLess(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    std::size_t ei = a.find('/', i + 1), ej = b.find('/', j + 1);
    if (ei == std::string::npos) ei = a.size();
    if (ej == std::string::npos) ej = b.size();
    std::string_view sa(a.data() + i + 1, ei - i - 1), sb(b.data() + j + 1, ej - j - 1);
    if (sa != sb) return SegmentLess(sa, sb);
    i = ei;
    j = ej;
  }
  return a.size() - i < b.size() - j;
}

void Finish(std::vector<FormProblem>& problems, bool truncated) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const FormProblem& a, const FormProblem& b) {
                     return PointerLess(a.pointer, b.pointer);
                   });
  // The same requirement can come from several places (required and a then branch).
  std::vector<FormProblem> unique;
  unique.reserve(problems.size());
  for (auto& p : problems) {
    bool seen = std::any_of(unique.rbegin(), unique.rend(), [&](const FormProblem& q) {
      return q.pointer == p.pointer && q.message == p.message;
    });
    if (!seen) unique.push_back(std::move(p));
  }
  problems = std::move(unique);
  if (truncated) {
    problems.push_back({"", "Còn lỗi khác chưa được liệt kê; hãy sửa các lỗi trên rồi gửi lại. / "
                            "There are more problems; fix those above and submit again."});
  }
}

const json::object* ObjectMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

// The `properties` objects that name the members a subschema may talk about, innermost first:
// a then/else branch speaks of the properties of the object schema it belongs to.
using Scope = std::vector<const json::object*>;

const json::value* FindProperty(const Scope& scope, std::string_view name) {
  for (const json::object* props : scope) {
    if (const json::value* v = props->if_contains(name)) return v;
  }
  return nullptr;
}

// The label of a member: the first title found for it, from the innermost schema outwards (a
// then branch that constrains a property usually leaves its title to the enclosing object).
Label LabelFor(const Scope& scope, std::string_view name) {
  for (const json::object* props : scope) {
    const json::value* v = props->if_contains(name);
    if (v != nullptr && v->is_object() && !StringMember(v->as_object(), "title").empty()) {
      return LabelOf(v, name);
    }
  }
  return LabelOf(nullptr, name);
}

Scope Inner(const json::object& node, const Scope& outer) {
  Scope scope;
  if (const json::object* props = ObjectMember(node, "properties")) scope.push_back(props);
  scope.insert(scope.end(), outer.begin(), outer.end());
  return scope;
}

// --- CheckSchema ------------------------------------------------------------------------

enum class Place {
  kRoot,         // the form itself
  kProperty,     // a property of the form or of a nested object (prefill allowed)
  kItems,        // an array's items
  kConditional,  // if / then / else: applies to the same object as its parent
};

class SchemaChecker {
 public:
  std::vector<FormProblem> problems;
  bool truncated = false;

  void Check(const json::value& value, const std::string& at, std::size_t depth, Place place,
             const Scope& outer) {
    if (Full()) return;
    if (depth > kMaxFormDepth) {
      Add(at, "Lược đồ lồng nhau quá " + std::to_string(kMaxFormDepth) +
                  " cấp. / The schema nests more than " + std::to_string(kMaxFormDepth) +
                  " levels deep.");
      return;
    }
    if (!value.is_object()) {
      Add(at, "Lược đồ phải là một đối tượng JSON. / A schema must be a JSON object.");
      return;
    }
    const json::object& node = value.as_object();
    for (const auto& kv : node) {
      if (!Supported(kv.key())) {
        Add(Child(at, kv.key()), "Từ khóa " + Quoted(kv.key()) +
                                     " không được hỗ trợ. / Unsupported keyword " +
                                     Quoted(kv.key()) + ".");
      }
    }
    auto type = ReadType(node.if_contains("type"));
    if (!type) {
      Add(Child(at, "type"),
          "type phải là object, array, string, integer, number hoặc boolean, có thể kèm \"null\". "
          "/ type must be object, array, string, integer, number or boolean, optionally with "
          "\"null\".");
      type = TypeSpec{};
    }
    if (place == Place::kRoot && type->type != "object") {
      Add(Child(at, "type"),
          "Tờ khai phải có type \"object\". / A form must have type \"object\".");
    }
    for (std::string_view key : {"title", "title_en", "description"}) {
      if (const json::value* v = node.if_contains(key); v != nullptr && !v->is_string()) {
        Add(Child(at, key), Quoted(key) + " phải là chuỗi ký tự. / " + Quoted(key) +
                                " must be a string.");
      }
    }
    Scope scope = Inner(node, outer);
    CheckObjectKeywords(node, at, depth, place, scope, type->type);
    CheckCounts(node, at, "minItems", "maxItems");
    CheckCounts(node, at, "minLength", "maxLength");
    CheckBounds(node, at);
    if (const json::value* items = node.if_contains("items")) {
      Check(*items, Child(at, "items"), depth + 1, Place::kItems, {});
    }
    if (const json::value* e = node.if_contains("enum")) {
      if (!e->is_array() || e->as_array().empty() || e->as_array().size() > kMaxEnumValues) {
        Add(Child(at, "enum"), "enum phải là danh sách từ 1 đến 500 giá trị. / enum must be a "
                               "list of 1 to 500 values.");
      }
    }
    // What the applicant sees for each enum value, in the order of enum (Vietnamese, English).
    for (std::string_view key : {"enum_titles", "enum_titles_en"}) {
      const json::value* titles = node.if_contains(key);
      if (titles == nullptr) continue;
      const json::value* e = node.if_contains("enum");
      bool ok = e != nullptr && e->is_array() && titles->is_array() && titles->as_array().size() == e->as_array().size();
      if (ok) {
        for (const auto& t : titles->as_array()) ok = ok && t.is_string() && t.as_string().size() <= 500;
      }
      if (!ok) {
        Add(Child(at, key), Quoted(key) + " phải là danh sách chuỗi, mỗi giá trị của enum một tên. / " + Quoted(key) +
                                " must list one string for each enum value.");
      }
    }
    // Values compared with the answer (const, enum) or shown to it (default) are compared
    // recursively; keep them as shallow as a form.
    for (std::string_view key : {"const", "enum", "default"}) {
      if (const json::value* v = node.if_contains(key);
          v != nullptr && Measure(*v, kMaxFormBytes, kMaxFormDepth).too_deep) {
        Add(Child(at, key), Quoted(key) + " lồng nhau quá " + std::to_string(kMaxFormDepth) +
                                " cấp. / " + Quoted(key) + " nests more than " +
                                std::to_string(kMaxFormDepth) + " levels deep.");
      }
    }
    CheckPattern(node, at);
    if (const json::value* f = node.if_contains("format")) {
      if (!f->is_string() || !OneOf(kFormats, f->as_string())) {
        Add(Child(at, "format"), "format phải là date, email, phone hoặc id_number. / format "
                                 "must be date, email, phone or id_number.");
      }
    }
    CheckPrefill(node, at, place, type->type);
    CheckConditionals(node, at, depth, scope);
  }

 private:
  bool Full() const { return truncated; }

  std::size_t pattern_states_ = 0;

  void Add(std::string pointer, std::string message) {
    if (problems.size() >= kMaxProblems) {
      truncated = true;
      return;
    }
    problems.push_back({std::move(pointer), std::move(message)});
  }

  void CheckObjectKeywords(const json::object& node, const std::string& at, std::size_t depth,
                           Place place, const Scope& scope, std::string_view type) {
    const json::value* props = node.if_contains("properties");
    if (props != nullptr) {
      if (!props->is_object()) {
        Add(Child(at, "properties"), "properties phải là một đối tượng. / properties must be an "
                                     "object.");
      } else {
        if (!type.empty() && type != "object") {
          Add(Child(at, "properties"), "properties chỉ dùng với type \"object\". / properties "
                                       "applies only to type \"object\".");
        }
        Place child = place == Place::kRoot || place == Place::kProperty ? Place::kProperty
                                                                        : Place::kItems;
        if (place == Place::kConditional) child = Place::kConditional;
        for (const auto& kv : props->as_object()) {
          Check(kv.value(), Child(Child(at, "properties"), kv.key()), depth + 1, child, {});
        }
      }
    }
    if (const json::value* r = node.if_contains("required")) {
      CheckNames(*r, Child(at, "required"), scope, "required");
    }
    if (const json::value* a = node.if_contains("additionalProperties")) {
      if (!a->is_bool() || a->as_bool()) {
        Add(Child(at, "additionalProperties"), "additionalProperties chỉ nhận giá trị false. / "
                                               "additionalProperties may only be false.");
      } else if (place == Place::kConditional) {
        Add(Child(at, "additionalProperties"),
            "additionalProperties không dùng trong if/then/else; hãy đặt ở đối tượng chứa. / "
            "additionalProperties is not allowed in if/then/else; put it on the enclosing object.");
      }
    }
    if (const json::value* d = node.if_contains("dependentRequired")) {
      std::string where = Child(at, "dependentRequired");
      if (!d->is_object()) {
        Add(where, "dependentRequired phải là một đối tượng. / dependentRequired must be an "
                   "object.");
      } else {
        for (const auto& kv : d->as_object()) {
          if (FindProperty(scope, kv.key()) == nullptr) NotAProperty(Child(where, kv.key()), kv.key());
          CheckNames(kv.value(), Child(where, kv.key()), scope, "dependentRequired");
        }
      }
    }
  }

  void NotAProperty(const std::string& at, std::string_view name) {
    Add(at, Quoted(name) + " không phải là thuộc tính của đối tượng này. / " + Quoted(name) +
                " is not a property of this object.");
  }

  void CheckNames(const json::value& names, const std::string& at, const Scope& scope,
                  std::string_view keyword) {
    if (!names.is_array()) {
      Add(at, std::string(keyword) + " phải là danh sách tên thuộc tính. / " +
                  std::string(keyword) + " must be a list of property names.");
      return;
    }
    const json::array& list = names.as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        Add(Child(at, i), "Tên thuộc tính phải là chuỗi ký tự. / A property name must be a "
                          "string.");
      } else if (FindProperty(scope, list[i].as_string()) == nullptr) {
        NotAProperty(Child(at, i), list[i].as_string());
      } else if (std::find(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(i), list[i]) !=
                 list.begin() + static_cast<std::ptrdiff_t>(i)) {
        Add(Child(at, i), Quoted(list[i].as_string()) + " bị lặp lại. / " +
                              Quoted(list[i].as_string()) + " is listed twice.");
      }
    }
  }

  void CheckCounts(const json::object& node, const std::string& at, std::string_view min_key,
                   std::string_view max_key) {
    const json::value* lo = node.if_contains(min_key);
    const json::value* hi = node.if_contains(max_key);
    for (auto [v, key] : {std::pair{lo, min_key}, std::pair{hi, max_key}}) {
      if (v != nullptr && !IsNonNegativeInteger(*v)) {
        Add(Child(at, key), std::string(key) + " phải là số nguyên không âm. / " +
                                std::string(key) + " must be a non-negative integer.");
        return;
      }
    }
    if (lo != nullptr && hi != nullptr && AsCount(*lo) > AsCount(*hi)) {
      Add(Child(at, min_key), std::string(min_key) + " lớn hơn " + std::string(max_key) + ". / " +
                                  std::string(min_key) + " is greater than " +
                                  std::string(max_key) + ".");
    }
  }

  void CheckBounds(const json::object& node, const std::string& at) {
    const json::value* lo = node.if_contains("minimum");
    const json::value* hi = node.if_contains("maximum");
    for (auto [v, key] : {std::pair{lo, "minimum"}, std::pair{hi, "maximum"}}) {
      if (v != nullptr && !v->is_number()) {
        Add(Child(at, key), std::string(key) + " phải là một số. / " + std::string(key) +
                                " must be a number.");
        return;
      }
    }
    if (lo != nullptr && hi != nullptr && AsDouble(*lo) > AsDouble(*hi)) {
      Add(Child(at, "minimum"), "minimum lớn hơn maximum. / minimum is greater than maximum.");
    }
  }

  void CheckPattern(const json::object& node, const std::string& at) {
    const json::value* p = node.if_contains("pattern");
    if (p == nullptr) return;
    if (!p->is_string()) {
      Add(Child(at, "pattern"), "pattern phải là chuỗi ký tự. / pattern must be a string.");
      return;
    }
    std::optional<Pattern> compiled;
    if (pattern_states_ <= kMaxSchemaPatternStates) {
      if (auto why = CompilePattern(p->as_string(), compiled)) {
        Add(Child(at, "pattern"), *why);
        return;
      }
      pattern_states_ += compiled->states;
    }
    if (pattern_states_ > kMaxSchemaPatternStates) {
      Add(Child(at, "pattern"), "Các mẫu (pattern) của tờ khai cộng lại quá phức tạp; hãy dùng "
                                "format, enum hoặc maxLength thay cho một số mẫu. / The form's "
                                "patterns are too complex taken together; use format, enum or "
                                "maxLength instead of some of them.");
    }
  }

  void CheckPrefill(const json::object& node, const std::string& at, Place place,
                    std::string_view type) {
    const json::value* p = node.if_contains("prefill");
    if (p == nullptr) return;
    std::string where = Child(at, "prefill");
    if (!p->is_string() || !OneOf(kPrefillKeys, p->as_string())) {
      Add(where, "prefill phải là một trong: full_name, id_number, birth_date, gender, email, "
                 "phone, address, tax_code, business_name. / prefill must be one of: full_name, "
                 "id_number, birth_date, gender, email, phone, address, tax_code, business_name.");
    } else if (place != Place::kProperty) {
      Add(where, "prefill chỉ dùng cho thuộc tính của tờ khai hoặc của nhóm lồng trong đó, không "
                 "dùng trong danh sách hay if/then/else. / prefill applies only to properties of "
                 "the form or of its nested objects, not inside lists or if/then/else.");
    } else if (!type.empty() && type != "string") {
      Add(where, "prefill chỉ dùng cho thuộc tính kiểu string. / prefill applies only to string "
                 "properties.");
    }
  }

  void CheckConditionals(const json::object& node, const std::string& at, std::size_t depth,
                         const Scope& scope) {
    CheckIfThenElse(node, at, depth, scope);
    const json::value* all = node.if_contains("allOf");
    if (all == nullptr) return;
    std::string where = Child(at, "allOf");
    if (!all->is_array() || all->as_array().empty()) {
      Add(where, "allOf phải là danh sách không rỗng các điều kiện if/then/else. / allOf must be "
                 "a non-empty list of if/then/else conditions.");
      return;
    }
    const json::array& list = all->as_array();
    for (std::size_t i = 0; i < list.size() && !Full(); ++i) {
      std::string item_at = Child(where, i);
      if (!list[i].is_object() || !list[i].as_object().contains("if")) {
        Add(item_at, "Mỗi phần tử của allOf phải là một điều kiện if/then/else. / Each entry of "
                     "allOf must be an if/then/else condition.");
        continue;
      }
      for (const auto& kv : list[i].as_object()) {
        if (kv.key() != "if" && kv.key() != "then" && kv.key() != "else" &&
            kv.key() != "description") {
          Add(Child(item_at, kv.key()), "Trong allOf chỉ dùng if, then, else và description. / "
                                        "Only if, then, else and description are allowed in "
                                        "allOf.");
        }
      }
      CheckIfThenElse(list[i].as_object(), item_at, depth + 1, scope);
    }
  }

  void CheckIfThenElse(const json::object& node, const std::string& at, std::size_t depth,
                       const Scope& scope) {
    const json::value* cond = node.if_contains("if");
    const json::value* then = node.if_contains("then");
    const json::value* otherwise = node.if_contains("else");
    if (cond == nullptr) {
      if (then != nullptr || otherwise != nullptr) {
        Add(Child(at, then != nullptr ? "then" : "else"),
            "then/else cần có if đi kèm. / then/else needs an if.");
      }
      return;
    }
    if (then == nullptr && otherwise == nullptr) {
      Add(Child(at, "if"), "if cần có then hoặc else. / if needs a then or an else.");
    }
    Check(*cond, Child(at, "if"), depth + 1, Place::kConditional, scope);
    if (then != nullptr) Check(*then, Child(at, "then"), depth + 1, Place::kConditional, scope);
    if (otherwise != nullptr) {
      Check(*otherwise, Child(at, "else"), depth + 1, Place::kConditional, scope);
    }
  }
};

// --- ValidateForm -----------------------------------------------------------------------

// Patterns compiled once per ValidateForm, and the matching work spent so far.
struct RegexCache {
  std::map<std::string, std::optional<Pattern>, std::less<>> compiled;
  std::size_t work = 0;
};

class Validator {
 public:
  // `out` null: a quiet evaluation (the `if` of a condition) that only answers valid or not.
  Validator(std::vector<FormProblem>* out, RegexCache& regexes) : out_(out), regexes_(regexes) {}

  bool Failed() const { return failed_; }
  bool Truncated() const { return truncated_; }

  void Validate(const json::value& schema, const json::value& v, const std::string& at,
                const Label& label, std::size_t depth, const Scope& outer) {
    if (Stop() || !schema.is_object()) return;
    if (depth > kMaxFormDepth) {
      Report(at, "Dữ liệu lồng nhau quá sâu. / The data nests too deeply.");
      return;
    }
    const json::object& node = schema.as_object();
    auto type = ReadType(node.if_contains("type")).value_or(TypeSpec{});
    if (v.is_null() && type.nullable) return;
    if (!HasType(v, type.type)) {
      Words w = TypeWords(type.type);
      Report(at, Sentence(label.vi) + " phải là " + w.vi + ". / " + Sentence(label.en) +
                     " must be " + w.en + ".");
      return;
    }
    if (const json::value* c = node.if_contains("const"); c != nullptr && *c != v) {
      Report(at, Sentence(label.vi) + " phải là " + ValueText(*c) + ". / " + Sentence(label.en) +
                     " must be " + ValueText(*c) + ".");
    }
    if (const json::value* e = node.if_contains("enum"); e != nullptr && e->is_array()) {
      CheckEnum(e->as_array(), v, at, label);
    }
    if (v.is_string()) CheckString(node, v.as_string(), at, label);
    if (v.is_number()) CheckNumber(node, v, at, label);
    if (v.is_array()) CheckArray(node, v.as_array(), at, label, depth);
    Scope scope = Inner(node, outer);
    if (v.is_object()) CheckObject(node, v.as_object(), at, depth, scope);
    ApplyCondition(node, v, at, label, depth, scope);
    if (const json::value* all = node.if_contains("allOf"); all != nullptr && all->is_array()) {
      for (const auto& item : all->as_array()) {
        if (item.is_object()) ApplyCondition(item.as_object(), v, at, label, depth + 1, scope);
      }
    }
  }

 private:
  bool Stop() const { return failed_ && (out_ == nullptr || truncated_); }

  void Report(const std::string& pointer, std::string message) {
    failed_ = true;
    if (out_ == nullptr) return;
    if (out_->size() >= kMaxProblems) {
      truncated_ = true;
      return;
    }
    out_->push_back({pointer, std::move(message)});
  }

  void CheckEnum(const json::array& values, const json::value& v, const std::string& at,
                 const Label& label) {
    if (std::find(values.begin(), values.end(), v) != values.end()) return;
    std::string list;
    for (std::size_t i = 0; i < values.size() && i < 10; ++i) {
      if (i > 0) list += ", ";
      list += ValueText(values[i]);
    }
    if (values.size() > 10) list += ", …";
    Report(at, Sentence(label.vi) + " phải là một trong các giá trị: " + list + ". / " +
                   Sentence(label.en) + " must be one of: " + list + ".");
  }

  void CheckString(const json::object& node, std::string_view s, const std::string& at,
                   const Label& label) {
    if (!ValidUtf8(s)) {
      Report(at, Sentence(label.vi) + " chứa ký tự không hợp lệ (không phải UTF-8). / " +
                     Sentence(label.en) + " holds invalid characters (not UTF-8).");
      return;
    }
    std::size_t chars = CodePoints(s);
    if (const json::value* m = node.if_contains("minLength");
        m != nullptr && IsNonNegativeInteger(*m) && chars < AsCount(*m)) {
      Report(at, Sentence(label.vi) + " cần ít nhất " + NumberText(*m) + " ký tự. / " +
                     Sentence(label.en) + " needs at least " + NumberText(*m) + " characters.");
    }
    if (const json::value* m = node.if_contains("maxLength");
        m != nullptr && IsNonNegativeInteger(*m) && chars > AsCount(*m)) {
      Report(at, Sentence(label.vi) + " dài tối đa " + NumberText(*m) + " ký tự. / " +
                     Sentence(label.en) + " allows at most " + NumberText(*m) + " characters.");
    }
    if (const json::value* p = node.if_contains("pattern"); p != nullptr && p->is_string()) {
      CheckPattern(p->as_string(), s, at, label);
    }
    if (const json::value* f = node.if_contains("format"); f != nullptr && f->is_string()) {
      CheckFormat(f->as_string(), s, at, label);
    }
  }

  void CheckPattern(std::string_view pattern, std::string_view s, const std::string& at,
                    const Label& label) {
    auto it = regexes_.compiled.find(pattern);
    if (it == regexes_.compiled.end()) {
      std::optional<Pattern> compiled;
      if (CompilePattern(pattern, compiled)) compiled.reset();
      it = regexes_.compiled.emplace(std::string(pattern), std::move(compiled)).first;
    }
    if (!it->second) {
      Report(at, "Không kiểm tra được " + label.vi + " vì mẫu (pattern) của tờ khai không hợp lệ. "
                 "/ " + Sentence(label.en) + " cannot be checked: the form's pattern is invalid.");
      return;
    }
    if (s.size() > kMaxPatternSubjectBytes) {
      Report(at, Sentence(label.vi) + " quá dài để kiểm tra định dạng (tối đa " +
                     std::to_string(kMaxPatternSubjectBytes) + " byte). / " + Sentence(label.en) +
                     " is too long to check its format (at most " +
                     std::to_string(kMaxPatternSubjectBytes) + " bytes).");
      return;
    }
    regexes_.work += (s.size() + 1) * it->second->states;
    if (regexes_.work > kMaxPatternWork) {
      Report(at, "Tờ khai có quá nhiều nội dung cần kiểm tra định dạng; không kiểm tra được " +
                     label.vi + ". / The form has too much text to check against patterns; " +
                     label.en + " was not checked.");
      return;
    }
    bool matched = false;
    try {
      matched = std::regex_match(s.begin(), s.end(), it->second->anywhere);
    } catch (const std::regex_error&) {
      matched = false;  // the matcher gave up (complexity); treat as not matching
    }
    if (!matched) {
      Report(at, Sentence(label.vi) + " không đúng định dạng. / " + Sentence(label.en) +
                     " is not in the expected format.");
    }
  }

  void CheckFormat(std::string_view format, std::string_view s, const std::string& at,
                   const Label& label) {
    std::string vi = Sentence(label.vi), en = Sentence(label.en);
    if (format == "date" && !ValidDate(s)) {
      Report(at, vi + " phải là một ngày có thật, viết dạng NNNN-TT-NN (ví dụ 2024-03-15). / " +
                     en + " must be a real date written YYYY-MM-DD (for example 2024-03-15).");
    } else if (format == "email" && !ValidEmail(s)) {
      Report(at, vi + " không phải là địa chỉ thư điện tử hợp lệ. / " + en +
                     " is not a valid e-mail address.");
    } else if (format == "phone" && !ValidPhone(s)) {
      Report(at, vi + " phải gồm 10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số. / " + en +
                     " must be 10 digits starting with 0, or +84 followed by 9 digits.");
    } else if (format == "id_number" && !ValidIdNumber(s)) {
      Report(at, vi + " phải gồm 12 chữ số, bắt đầu bằng mã tỉnh hợp lệ. / " + en +
                     " must be 12 digits starting with a valid province code.");
    }
  }

  void CheckNumber(const json::object& node, const json::value& v, const std::string& at,
                   const Label& label) {
    double x = AsDouble(v);
    if (const json::value* m = node.if_contains("minimum");
        m != nullptr && m->is_number() && x < AsDouble(*m)) {
      Report(at, Sentence(label.vi) + " phải lớn hơn hoặc bằng " + NumberText(*m) + ". / " +
                     Sentence(label.en) + " must be at least " + NumberText(*m) + ".");
    }
    if (const json::value* m = node.if_contains("maximum");
        m != nullptr && m->is_number() && x > AsDouble(*m)) {
      Report(at, Sentence(label.vi) + " phải nhỏ hơn hoặc bằng " + NumberText(*m) + ". / " +
                     Sentence(label.en) + " must be at most " + NumberText(*m) + ".");
    }
  }

  void CheckArray(const json::object& node, const json::array& a, const std::string& at,
                  const Label& label, std::size_t depth) {
    if (const json::value* m = node.if_contains("minItems");
        m != nullptr && IsNonNegativeInteger(*m) && a.size() < AsCount(*m)) {
      Report(at, Sentence(label.vi) + " cần ít nhất " + NumberText(*m) + " mục. / " +
                     Sentence(label.en) + " needs at least " + NumberText(*m) + " entries.");
    }
    const json::value* m = node.if_contains("maxItems");
    std::uint64_t max = m != nullptr && IsNonNegativeInteger(*m) ? AsCount(*m) : kMaxArrayItems;
    if (a.size() > max) {
      Report(at, Sentence(label.vi) + " có tối đa " + std::to_string(max) + " mục. / " +
                     Sentence(label.en) + " allows at most " + std::to_string(max) + " entries.");
      if (a.size() > kMaxArrayItems) return;  // not worth looking into
    }
    const json::value* items = node.if_contains("items");
    if (items == nullptr) return;
    Label item = LabelOf(items, "");
    bool titled = !item.vi.empty();
    for (std::size_t i = 0; i < a.size() && !Stop(); ++i) {
      std::string n = std::to_string(i + 1);
      Label numbered = titled ? Label{item.vi + " thứ " + n, item.en + " " + n}
                              : Label{label.vi + " (mục " + n + ")", label.en + " (entry " + n + ")"};
      Validate(*items, a[i], Child(at, i), numbered, depth + 1, {});
    }
  }

  static bool Missing(const json::object& o, std::string_view name) {
    const json::value* v = o.if_contains(name);
    return v == nullptr || v->is_null() || (v->is_string() && Blank(v->as_string()));
  }

  void RequireMember(const json::object& o, std::string_view name, const std::string& at,
                     const Scope& scope, std::string_view because,
                     std::vector<std::string_view>& missing) {
    if (!Missing(o, name)) return;
    missing.push_back(name);
    Label l = LabelFor(scope, name);
    if (because.empty()) {
      Report(Child(at, name), Sentence(l.vi) + " là bắt buộc. / " + Sentence(l.en) +
                                  " is required.");
    } else {
      Label b = LabelFor(scope, because);
      Report(Child(at, name), Sentence(l.vi) + " là bắt buộc khi đã khai " + b.vi + ". / " +
                                  Sentence(l.en) + " is required when " + b.en + " is given.");
    }
  }

  void CheckObject(const json::object& node, const json::object& o, const std::string& at,
                   std::size_t depth, const Scope& scope) {
    std::vector<std::string_view> missing;
    if (const json::value* r = node.if_contains("required"); r != nullptr && r->is_array()) {
      for (const auto& name : r->as_array()) {
        if (name.is_string()) RequireMember(o, name.as_string(), at, scope, "", missing);
      }
    }
    if (const json::object* deps = ObjectMember(node, "dependentRequired")) {
      for (const auto& kv : *deps) {
        if (Missing(o, kv.key()) || !kv.value().is_array()) continue;
        for (const auto& name : kv.value().as_array()) {
          if (name.is_string()) RequireMember(o, name.as_string(), at, scope, kv.key(), missing);
        }
      }
    }
    const json::object* props = ObjectMember(node, "properties");
    const json::value* extra = node.if_contains("additionalProperties");
    bool closed = extra != nullptr && extra->is_bool() && !extra->as_bool();
    for (const auto& kv : o) {
      if (Stop()) return;
      const json::value* sub = props != nullptr ? props->if_contains(kv.key()) : nullptr;
      if (sub == nullptr) {
        if (closed) {
          Report(Child(at, kv.key()), "Trường " + Quoted(kv.key()) + " không có trong tờ khai. / " +
                                          Quoted(kv.key()) + " is not a field of this form.");
        }
        continue;
      }
      if (std::find(missing.begin(), missing.end(), kv.key()) != missing.end()) continue;
      Validate(*sub, kv.value(), Child(at, kv.key()), LabelFor(scope, kv.key()), depth + 1, {});
    }
  }

  void ApplyCondition(const json::object& node, const json::value& v, const std::string& at,
                      const Label& label, std::size_t depth, const Scope& scope) {
    const json::value* cond = node.if_contains("if");
    if (cond == nullptr || Stop()) return;
    Validator quiet(nullptr, regexes_);
    quiet.Validate(*cond, v, at, label, depth + 1, scope);
    const json::value* branch = node.if_contains(quiet.Failed() ? "else" : "then");
    if (branch != nullptr) Validate(*branch, v, at, label, depth + 1, scope);
  }

  std::vector<FormProblem>* out_;
  RegexCache& regexes_;
  bool failed_ = false;
  bool truncated_ = false;
};

json::object PrefillObject(const json::value& schema, const PrefillSource& source,
                           std::size_t depth) {
  json::object out;
  if (depth > kMaxFormDepth || !schema.is_object()) return out;
  const json::object* props = ObjectMember(schema.as_object(), "properties");
  if (props == nullptr) return out;
  for (const auto& kv : *props) {
    if (!kv.value().is_object()) continue;
    std::string_view key = StringMember(kv.value().as_object(), "prefill");
    if (!key.empty()) {
      auto it = std::find_if(source.values.begin(), source.values.end(),
                             [&](const auto& p) { return p.first == key; });
      if (it != source.values.end() && !it->second.empty()) out[kv.key()] = it->second;
    } else if (ObjectMember(kv.value().as_object(), "properties") != nullptr) {
      json::object nested = PrefillObject(kv.value(), source, depth + 1);
      if (!nested.empty()) out[kv.key()] = std::move(nested);
    }
  }
  return out;
}

}  // namespace

std::vector<FormProblem> CheckSchema(const json::value& schema) {
  SchemaChecker checker;
  if (Measure(schema, kMaxFormBytes, std::numeric_limits<std::size_t>::max()).too_large) {
    checker.problems.push_back({"", "Lược đồ lớn quá " + std::to_string(kMaxFormBytes / 1024) +
                                        " KiB. / The schema is larger than " +
                                        std::to_string(kMaxFormBytes / 1024) + " KiB."});
    return checker.problems;
  }
  checker.Check(schema, "", 0, Place::kRoot, {});
  Finish(checker.problems, checker.truncated);
  return std::move(checker.problems);
}

std::vector<FormProblem> ValidateForm(const json::value& schema, const json::value& data) {
  std::vector<FormProblem> problems;
  Extent extent = Measure(data, kMaxFormBytes, kMaxFormDepth);
  if (extent.too_large) {
    problems.push_back({"", "Tờ khai lớn quá " + std::to_string(kMaxFormBytes / 1024) +
                                " KiB. / The form is larger than " +
                                std::to_string(kMaxFormBytes / 1024) + " KiB."});
    return problems;
  }
  if (extent.too_deep) {
    problems.push_back({"", "Tờ khai lồng nhau quá " + std::to_string(kMaxFormDepth) +
                                " cấp. / The form nests more than " +
                                std::to_string(kMaxFormDepth) + " levels deep."});
    return problems;
  }
  RegexCache regexes;
  Validator validator(&problems, regexes);
  validator.Validate(schema, data, "", Label{"Tờ khai", "The form"}, 0, {});
  Finish(problems, validator.Truncated());
  return problems;
}

json::object Prefill(const json::value& schema, const PrefillSource& source) {
  return PrefillObject(schema, source, 0);
}

}  // namespace motcua::dossier
