#include "catalog/search.hpp"

#include <algorithm>

namespace motcua::catalog {

namespace {

constexpr double kExact = 1.0;
constexpr double kPrefix = 0.8;
constexpr double kTypo = 0.6;

}  // namespace

void TextIndex::Add(std::size_t doc, const std::vector<std::pair<std::string, double>>& texts) {
  std::unordered_map<std::string, double> best;
  for (const auto& [text, weight] : texts) {
    for (auto& token : text::Tokenize(text)) {
      double& w = best[token.folded];
      w = std::max(w, weight);
    }
  }
  for (auto& [term, weight] : best) postings_[term].push_back({doc, weight});
}

void TextIndex::Finish() {
  vocabulary_.clear();
  vocabulary_.reserve(postings_.size());
  for (const auto& [term, list] : postings_) vocabulary_.push_back(term);
  std::sort(vocabulary_.begin(), vocabulary_.end());
}

TextIndex::Match TextIndex::Find(const std::vector<std::string>& words) const {
  Match out;
  bool first = true;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    bool last = i + 1 == words.size();
    // The index words this query word stands for, with how well they match.
    std::vector<std::pair<const std::string*, double>> candidates;
    auto exact = postings_.find(word);
    if (exact != postings_.end()) candidates.emplace_back(&exact->first, kExact);
    if (last && word.size() >= 2) {
      for (auto it = std::lower_bound(vocabulary_.begin(), vocabulary_.end(), word);
           it != vocabulary_.end() && it->starts_with(word) && candidates.size() < 64; ++it) {
        if (*it != word) candidates.emplace_back(&*it, kPrefix);
      }
    }
    if (word.size() >= 5) {
      for (const auto& term : vocabulary_) {
        if (term.size() + 1 < word.size() || term.size() > word.size() + 1 || term == word) continue;
        if (text::WithinOneEdit(term, word)) candidates.emplace_back(&term, kTypo);
      }
    }
    std::unordered_map<std::size_t, double> scores;
    for (const auto& [term, factor] : candidates) {
      for (const auto& posting : postings_.at(*term)) {
        if (!first && !out.scores.contains(posting.doc)) continue;
        double& s = scores[posting.doc];
        s = std::max(s, posting.weight * factor);
      }
      out.terms.insert(*term);
    }
    if (first) {
      out.scores = std::move(scores);
      first = false;
    } else {
      std::unordered_map<std::size_t, double> kept;
      for (const auto& [doc, s] : scores) kept[doc] = out.scores.at(doc) + s;
      out.scores = std::move(kept);
    }
    if (out.scores.empty()) break;
  }
  return out;
}

std::vector<std::string> QueryWords(std::string_view q) {
  std::vector<std::string> words;
  for (auto& token : text::Tokenize(q)) {
    if (token.folded.size() > 64) token.folded.resize(64);
    if (std::find(words.begin(), words.end(), token.folded) == words.end()) words.push_back(std::move(token.folded));
    if (words.size() == 12) break;
  }
  return words;
}

std::string Snippet(std::string_view text, const std::set<std::string>& terms, std::size_t window) {
  auto tokens = text::Tokenize(text);
  std::vector<std::pair<std::size_t, std::size_t>> marks;
  for (const auto& t : tokens) {
    if (terms.contains(t.folded)) marks.emplace_back(t.begin, t.end);
  }
  if (window == 0 || text.size() <= window) return text::Highlight(text, marks);
  // A window of whole words around the first mark.
  std::size_t centre = marks.empty() ? 0 : marks.front().first;
  std::size_t begin = centre > window / 3 ? centre - window / 3 : 0;
  std::size_t end = std::min(text.size(), begin + window);
  std::size_t from = 0, to = text.size();
  for (const auto& t : tokens) {
    if (t.begin >= begin) {
      from = t.begin;
      break;
    }
  }
  if (begin == 0) from = 0;
  for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
    if (it->end <= end) {
      to = it->end;
      break;
    }
  }
  if (to <= from) to = std::min(text.size(), from + window);
  std::vector<std::pair<std::size_t, std::size_t>> inside;
  for (const auto& [b, e] : marks) {
    if (b >= from && e <= to) inside.emplace_back(b - from, e - from);
  }
  std::string out = from > 0 ? "… " : "";
  out += text::Highlight(text.substr(from, to - from), inside);
  if (to < text.size()) out += " …";
  return out;
}

ProcedureIndex::ProcedureIndex(std::vector<Procedure> procedures, std::map<std::string, std::string> field_names)
    : procedures_(std::move(procedures)), field_names_(std::move(field_names)) {
  std::sort(procedures_.begin(), procedures_.end(), [](const Procedure& a, const Procedure& b) { return a.code < b.code; });
  folded_names_.reserve(procedures_.size());
  for (std::size_t i = 0; i < procedures_.size(); ++i) {
    const Procedure& p = procedures_[i];
    by_code_[p.code] = i;
    folded_names_.push_back(text::Fold(p.name));
    std::string field_text;
    for (const auto& f : p.fields) field_text += f.name + " ";
    std::string subjects;
    for (const auto& s : p.subjects) subjects += s + " ";
    // Name first, then keywords and fields, then the English name, then the long texts.
    index_.Add(i, {{p.name, 10.0},
                   {p.code, 10.0},
                   {p.keywords, 4.0},
                   {field_text, 3.0},
                   {p.name_en, 3.0},
                   {p.description, 1.0},
                   {p.requirements, 0.5},
                   {subjects, 0.5}});
  }
  index_.Finish();
}

const Procedure* ProcedureIndex::Find(const std::string& code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &procedures_[it->second];
}

SearchResult ProcedureIndex::Search(const SearchQuery& query) const {
  SearchResult out;
  auto words = QueryWords(query.q);
  std::vector<std::pair<std::size_t, double>> matched;
  std::set<std::string> terms;
  if (words.empty()) {
    for (std::size_t i = 0; i < procedures_.size(); ++i) matched.emplace_back(i, 0.0);
  } else {
    auto found = index_.Find(words);
    terms = std::move(found.terms);
    std::string phrase;
    for (const auto& w : words) phrase += (phrase.empty() ? "" : " ") + w;
    for (const auto& [doc, score] : found.scores) {
      // The whole query as a phrase of the name ranks first; at its start, higher still.
      std::string name_words;
      for (const auto& t : text::Tokenize(procedures_[doc].name)) name_words += (name_words.empty() ? "" : " ") + t.folded;
      double bonus = name_words.find(phrase) == 0 ? 20.0 : name_words.find(phrase) != std::string::npos ? 15.0 : 0.0;
      matched.emplace_back(doc, score + bonus);
    }
  }

  // Filters, and the facet counts of each dimension under the other dimensions' filters.
  auto has_field = [&](const Procedure& p, const std::string& v) {
    return std::any_of(p.fields.begin(), p.fields.end(), [&](const NamedCode& f) { return f.code == v; });
  };
  auto has_level = [&](const Procedure& p, const std::string& v) {
    return std::find(p.levels.begin(), p.levels.end(), v) != p.levels.end();
  };
  auto has_agency = [&](const Procedure& p, const std::string& v) {
    if (p.publisher_code == v) return true;
    for (const auto* list : {&p.implementing, &p.competent}) {
      for (const auto& a : *list) {
        if (a.code == v) return true;
      }
    }
    return false;
  };
  auto has_channel = [&](const Procedure& p, int v) {
    return std::any_of(p.channels.begin(), p.channels.end(), [&](const ChannelOption& c) { return c.channel == v; });
  };
  enum Dim { kField, kLevel, kAgency, kClass, kChannel, kDims };
  auto passes = [&](const Procedure& p, int skip) {
    if (skip != kField && !query.field.empty() && !has_field(p, query.field)) return false;
    if (skip != kLevel && !query.level.empty() && !has_level(p, query.level)) return false;
    if (skip != kAgency && !query.agency.empty() && !has_agency(p, query.agency)) return false;
    if (skip != kClass && !query.service_class.empty() && p.service_class != query.service_class) return false;
    if (skip != kChannel && query.channel != 0 && !has_channel(p, query.channel)) return false;
    return true;
  };
  std::map<std::string, std::size_t> counts[kDims];
  std::map<std::string, std::string> field_labels, agency_labels;
  std::vector<std::pair<std::size_t, double>> kept;
  for (const auto& [doc, score] : matched) {
    const Procedure& p = procedures_[doc];
    if (passes(p, -1)) kept.emplace_back(doc, score);
    if (passes(p, kField)) {
      for (const auto& f : p.fields) {
        ++counts[kField][f.code];
        field_labels.emplace(f.code, field_names_.contains(f.code) ? field_names_.at(f.code) : f.name);
      }
    }
    if (passes(p, kLevel)) {
      for (const auto& l : p.levels) ++counts[kLevel][l];
    }
    if (passes(p, kAgency)) {
      std::set<std::string> seen;
      for (const auto& a : p.implementing) {
        if (!a.code.empty() && seen.insert(a.code).second) {
          ++counts[kAgency][a.code];
          agency_labels.emplace(a.code, a.name);
        }
      }
    }
    if (passes(p, kClass)) ++counts[kClass][p.service_class];
    if (passes(p, kChannel)) {
      std::set<int> seen;
      for (const auto& c : p.channels) {
        if (seen.insert(c.channel).second) ++counts[kChannel][std::to_string(c.channel)];
      }
    }
  }
  std::sort(kept.begin(), kept.end(), [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    if (folded_names_[a.first] != folded_names_[b.first]) return folded_names_[a.first] < folded_names_[b.first];
    return procedures_[a.first].code < procedures_[b.first].code;
  });
  out.total = kept.size();
  for (std::size_t i = query.offset; i < kept.size() && out.hits.size() < query.limit; ++i) {
    const Procedure& p = procedures_[kept[i].first];
    Hit h;
    h.procedure = &p;
    h.score = kept[i].second;
    h.name_html = Snippet(p.name, terms);
    h.snippet_html = Snippet(p.description, terms, 200);
    out.hits.push_back(std::move(h));
  }
  const char* names[kDims] = {"field", "level", "agency", "service_class", "channel"};
  for (int d = 0; d < kDims; ++d) {
    std::vector<Facet>& list = out.facets[names[d]];
    for (const auto& [value, count] : counts[d]) {
      std::string label = d == kField ? field_labels[value] : d == kAgency ? agency_labels[value] : value;
      list.push_back({value, label, count});
    }
    std::stable_sort(list.begin(), list.end(), [](const Facet& a, const Facet& b) { return a.count > b.count; });
  }
  return out;
}

}  // namespace motcua::catalog
