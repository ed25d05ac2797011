#include "feedback/lifecycle.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "text/fold.hpp"

namespace motcua::feedback {

namespace {

struct StatusInfo {
  Status status;
  std::string_view name, vi, en;
};

constexpr std::array<StatusInfo, 9> kStatuses = {{
    {Status::kReceived, "received", "Mới tiếp nhận", "Received"},
    {Status::kRegistered, "registered", "Đã vào sổ", "Registered"},
    {Status::kClassified, "classified", "Đã phân loại, chờ chuyển", "Classified, to be transferred"},
    {Status::kTransferred, "transferred", "Đã chuyển cơ quan có thẩm quyền", "Transferred to the competent agency"},
    {Status::kProcessing, "processing", "Đang xử lý", "Being processed"},
    {Status::kNotAccepted, "not_accepted", "Không được tiếp nhận", "Not accepted"},
    {Status::kAnswered, "answered", "Đã trả lời", "Answered"},
    {Status::kPublished, "published", "Đã trả lời và công khai", "Answered and published"},
    {Status::kMerged, "merged", "Đã gộp với phản ánh trùng", "Merged with a duplicate"},
}};

struct ClassInfo {
  Classification c;
  std::string_view name, vi, en;
};

constexpr std::array<ClassInfo, 4> kClasses = {{
    {Classification::kNotAccepted, "not_accepted", "Không đủ điều kiện tiếp nhận", "Not accepted"},
    {Classification::kConduct, "conduct", "Về hành vi của cơ quan, cán bộ", "About the conduct of agencies or officials"},
    {Classification::kRegulationWithin, "regulation_within", "Về quy định hành chính thuộc thẩm quyền",
     "About a regulation within our competence"},
    {Classification::kRegulationOutside, "regulation_outside", "Về quy định hành chính ngoài thẩm quyền",
     "About a regulation outside our competence"},
}};

constexpr std::array<std::pair<Action, std::string_view>, 7> kActions = {{
    {Action::kRegister, "register"}, {Action::kClassify, "classify"}, {Action::kTransfer, "transfer"},
    {Action::kProcess, "process"}, {Action::kAnswer, "answer"}, {Action::kPublish, "publish"}, {Action::kMerge, "merge"},
}};

bool Digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view StatusName(Status s) {
  for (const auto& i : kStatuses) if (i.status == s) return i.name;
  return "received";
}

std::optional<Status> ParseStatus(std::string_view name) {
  for (const auto& i : kStatuses) if (i.name == name) return i.status;
  return std::nullopt;
}

std::string_view StatusLabel(Status s, bool english) {
  for (const auto& i : kStatuses) if (i.status == s) return english ? i.en : i.vi;
  return "";
}

bool IsOpen(Status s) { return s != Status::kNotAccepted && s != Status::kAnswered && s != Status::kPublished; }

std::string_view Open311Status(Status s) { return IsOpen(s) ? "open" : "closed"; }

std::string_view ClassificationName(Classification c) {
  for (const auto& i : kClasses) if (i.c == c) return i.name;
  return "";
}

std::optional<Classification> ParseClassification(std::string_view name) {
  for (const auto& i : kClasses) if (i.name == name) return i.c;
  return std::nullopt;
}

std::string_view ClassificationLabel(Classification c, bool english) {
  for (const auto& i : kClasses) if (i.c == c) return english ? i.en : i.vi;
  return "";
}

std::string_view ActionName(Action a) {
  for (const auto& [act, name] : kActions) if (act == a) return name;
  return "";
}

std::optional<Action> ParseAction(std::string_view name) {
  for (const auto& [act, n] : kActions) if (n == name) return act;
  return std::nullopt;
}

std::vector<Action> AllowedIn(Status s) {
  switch (s) {
    case Status::kReceived: return {Action::kRegister, Action::kMerge};
    case Status::kRegistered: return {Action::kClassify, Action::kMerge};
    case Status::kClassified: return {Action::kTransfer, Action::kMerge};
    case Status::kTransferred: return {Action::kProcess, Action::kMerge};
    case Status::kProcessing: return {Action::kAnswer, Action::kMerge};
    case Status::kAnswered: return {Action::kPublish};
    case Status::kNotAccepted:
    case Status::kPublished:
    case Status::kMerged: return {};
  }
  return {};
}

std::optional<Status> After(Action action, Status from, Classification classification) {
  bool allowed = false;
  for (Action a : AllowedIn(from)) allowed = allowed || a == action;
  if (!allowed) return std::nullopt;
  switch (action) {
    case Action::kRegister: return Status::kRegistered;
    case Action::kClassify:
      switch (classification) {
        case Classification::kNotAccepted: return Status::kNotAccepted;
        case Classification::kRegulationWithin: return Status::kProcessing;
        case Classification::kConduct:
        case Classification::kRegulationOutside: return Status::kClassified;
      }
      return std::nullopt;
    case Action::kTransfer: return Status::kTransferred;
    case Action::kProcess: return Status::kProcessing;
    case Action::kAnswer: return Status::kAnswered;
    case Action::kPublish: return Status::kPublished;
    case Action::kMerge: return Status::kMerged;
  }
  return std::nullopt;
}

double Similarity(std::string_view folded_a, std::string_view folded_b) {
  auto words = [](std::string_view s) {
    std::set<std::string> out;
    for (auto& t : text::Tokenize(s)) {
      if (t.folded.size() >= 2) out.insert(t.folded);
    }
    return out;
  };
  auto a = words(folded_a), b = words(folded_b);
  if (a.empty() || b.empty()) return 0.0;
  std::size_t common = 0;
  for (const auto& w : a) common += b.contains(w) ? 1 : 0;
  return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
}

namespace {

// A byte that can end or start a word: ASCII letters and digits, and every byte of a multi-byte
// UTF-8 character (Vietnamese letters).
bool WordByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u) != 0;
}

// The first code point of `s` is an upper-case letter (Vietnamese: Latin-1, Latin Extended-A/B
// and the Latin Extended Additional block where even code points are capitals).
bool StartsUpper(std::string_view s) {
  if (s.empty()) return false;
  auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return b0 >= 'A' && b0 <= 'Z';
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0 && s.size() >= 2) cp = ((b0 & 0x1F) << 6) | (static_cast<unsigned char>(s[1]) & 0x3F);
  else if ((b0 & 0xF0) == 0xE0 && s.size() >= 3)
    cp = ((b0 & 0x0F) << 12) | ((static_cast<unsigned char>(s[1]) & 0x3F) << 6) | (static_cast<unsigned char>(s[2]) & 0x3F);
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if (cp >= 0x100 && cp <= 0x17F) return cp % 2 == 0;
  if (cp == 0x1A0 || cp == 0x1AF) return true;
  if (cp >= 0x1EA0 && cp <= 0x1EF9) return cp % 2 == 0;
  return false;
}

bool AllUpper(std::string_view s) {
  std::size_t letters = 0;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') ++letters;
  }
  return letters >= 2;
}

// How Vietnamese text refers to a person before the name: "ông An", "chị Lan Anh".
bool Honorific(std::string_view w) {
  static const std::set<std::string_view> kWords = {
      "ông", "bà", "anh", "chị", "cô", "chú", "bác", "em", "cháu", "cụ", "Ông", "Bà", "Anh", "Chị", "Cô", "Chú", "Bác", "Em",
      "Cháu", "Cụ", "ÔNG", "BÀ", "ANH", "CHỊ"};
  return kWords.contains(w);
}

// Capitalised words after an honorific that are titles, not names ("ông Chủ tịch", "bà Giám đốc").
bool TitleWord(std::string_view w) {
  static const std::set<std::string_view> kWords = {"Chủ", "Phó", "Giám", "Trưởng", "Tổng", "Bí", "Thứ", "Bộ", "Sở",
                                                    "Ủy", "Uỷ", "Phòng", "Cục", "Vụ", "Chi", "Đội", "Tổ", "Văn", "Thanh"};
  return kWords.contains(w);
}

}  // namespace

std::vector<std::string> PersonalNames(std::string_view full_name) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < full_name.size();) {
    std::size_t j = full_name.find_first_of(" \t", i);
    if (j == std::string_view::npos) j = full_name.size();
    if (j > i) words.emplace_back(full_name.substr(i, j - i));
    i = j + 1;
  }
  std::vector<std::string> out;
  if (words.empty()) return out;
  std::string all;
  for (const auto& w : words) all += (all.empty() ? "" : " ") + w;
  out.push_back(all);
  if (words.size() >= 3) out.push_back(words[words.size() - 2] + " " + words.back());  // "Lan Anh", "Văn An"
  if (words.size() >= 2 && words.back().size() >= 2) out.push_back(words.back());        // the given name
  return out;
}

std::string HidePersonalData(std::string_view text, const std::vector<std::string>& names) {
  std::string s(text);
  // Each given string where it stands as whole words, longest first ("Văn An" before "An").
  std::vector<std::string> sorted;
  for (const auto& n : names) {
    if (n.size() >= 2 && n.find_first_not_of(" \t") != std::string::npos) sorted.push_back(n);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& name : sorted) {
    for (std::size_t at = s.find(name); at != std::string::npos;) {
      std::size_t end = at + name.size();
      bool whole = (at == 0 || !WordByte(s[at - 1]) || !WordByte(name.front())) &&
                   (end == s.size() || !WordByte(s[end]) || !WordByte(name.back()));
      if (whole) {
        s.replace(at, name.size(), "***");
        at = s.find(name, at + 3);
      } else {
        at = s.find(name, at + 1);
      }
    }
  }
  // A name after an honorific: "ông An", "chị Lan Anh" (up to four capitalised words, not a title).
  {
    auto tokens = text::Tokenize(s);
    std::string masked;
    std::size_t copied = 0;
    for (std::size_t k = 0; k + 1 < tokens.size(); ++k) {
      std::string_view word(s.data() + tokens[k].begin, tokens[k].end - tokens[k].begin);
      if (!Honorific(word)) continue;
      std::size_t first = k + 1, last = k;
      for (std::size_t m = first; m < tokens.size() && m <= k + 4; ++m) {
        std::string_view gap(s.data() + tokens[m - 1].end, tokens[m].begin - tokens[m - 1].end);
        std::string_view w(s.data() + tokens[m].begin, tokens[m].end - tokens[m].begin);
        if (gap != " " || !StartsUpper(w) || AllUpper(w) || (m == first && TitleWord(w))) break;
        last = m;
      }
      if (last < first) continue;
      masked.append(s, copied, tokens[first].begin - copied);
      masked += "***";
      copied = tokens[last].end;
      k = last;
    }
    masked.append(s, copied);
    s = std::move(masked);
  }
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || Digit(c) || c == '.' || c == '_' || c == '-' || c == '+';
  };
  while (i < s.size()) {
    // An e-mail address: the word around an '@'.
    if (s[i] == '@' && i > 0 && i + 1 < s.size() && word_char(s[i + 1])) {
      std::size_t start = out.size();
      while (start > 0 && word_char(out[start - 1])) --start;
      if (start < out.size()) {
        out.resize(start);
        std::size_t j = i + 1;
        while (j < s.size() && word_char(s[j])) ++j;
        while (j > i + 1 && s[j - 1] == '.') --j;  // the full stop after an address
        out += "***";
        i = j;
        continue;
      }
    }
    // A run of digits, perhaps with single separators, holding 8 or more digits: phone numbers
    // (0912 345 678, +84 912.345.678), CMND (9 digits) and CCCD (12 digits) numbers.
    if (Digit(s[i])) {
      std::size_t j = i, digits = 0, last_digit = i;
      while (j < s.size()) {
        if (Digit(s[j])) {
          ++digits;
          last_digit = j;
          ++j;
        } else if ((s[j] == ' ' || s[j] == '.' || s[j] == '-') && j + 1 < s.size() && Digit(s[j + 1])) {
          ++j;
        } else {
          break;
        }
      }
      if (digits >= 8) {
        if (!out.empty() && out.back() == '+') out.pop_back();
        out += "***";
      } else {
        out.append(s, i, last_digit + 1 - i);
      }
      i = last_digit + 1;
      continue;
    }
    out += s[i++];
  }
  return out;
}

}  // namespace motcua::feedback
