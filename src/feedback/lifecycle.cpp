#include "feedback/lifecycle.hpp"

#include <array>
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

std::string HidePersonalData(std::string_view text, const std::vector<std::string>& names) {
  std::string s(text);
  for (const auto& name : names) {
    if (name.size() < 2) continue;
    for (std::size_t at = s.find(name); at != std::string::npos; at = s.find(name, at + 3)) s.replace(at, name.size(), "***");
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
        out += "***";
        i = j;
        continue;
      }
    }
    // A run of digits, perhaps with single separators, holding 8 or more digits.
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
