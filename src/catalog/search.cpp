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
  documents_ = std::max(documents_, doc + 1);
}

void TextIndex::Finish() {
  vocabulary_.clear();
  vocabulary_.reserve(postings_.size());
  for (const auto& [term, list] : postings_) vocabulary_.push_back(term);
  std::sort(vocabulary_.begin(), vocabulary_.end());
}

TextIndex::Match TextIndex::Find(const std::vector<std::string>& words) const {
  Match out;
  // Dense per-document state: how many words matched so far, the running score, and the best
  // match of the current word.
  std::vector<std::uint16_t> matched(documents_, 0);
  std::vector<double> total(documents_, 0.0), current(documents_, 0.0);
  std::vector<std::int32_t> stamp(documents_, -1);
  std::vector<std::size_t> touched;
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
    touched.clear();
    for (const auto& [term, factor] : candidates) {
      for (const auto& posting : postings_.at(*term)) {
        std::size_t d = posting.doc;
        if (matched[d] != i) continue;  // missed an earlier word
        if (stamp[d] != static_cast<std::int32_t>(i)) {
          stamp[d] = static_cast<std::int32_t>(i);
          current[d] = 0.0;
          touched.push_back(d);
        }
        current[d] = std::max(current[d], posting.weight * factor);
      }
      out.terms.insert(*term);
    }
    if (touched.empty()) return Match{};
    for (std::size_t d : touched) {
      total[d] += current[d];
      matched[d] = static_cast<std::uint16_t>(i + 1);
    }
  }
  for (std::size_t d : touched) out.scores.emplace(d, total[d]);
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

namespace {

int LevelBit(const std::string& level) {
  if (level == "central") return 1;
  if (level == "province") return 2;
  if (level == "district") return 4;
  if (level == "commune") return 8;
  return 0;
}

int ClassId(const std::string& c) {
  if (c == "info_only") return 1;
  if (c == "partial_online") return 2;
  if (c == "full_online") return 3;
  return 0;
}

int Intern(std::unordered_map<std::string, int>& ids, std::vector<std::string>& codes, std::vector<std::string>& labels,
           const std::string& code, const std::string& label) {
  auto [it, fresh] = ids.emplace(code, static_cast<int>(codes.size()));
  if (fresh) {
    codes.push_back(code);
    labels.push_back(label);
  }
  return it->second;
}

}  // namespace

ProcedureIndex::ProcedureIndex(std::vector<Procedure> procedures, std::map<std::string, std::string> field_names)
    : procedures_(std::move(procedures)), field_names_(std::move(field_names)) {
  std::sort(procedures_.begin(), procedures_.end(), [](const Procedure& a, const Procedure& b) { return a.code < b.code; });
  folded_names_.reserve(procedures_.size());
  facts_.reserve(procedures_.size());
  std::unordered_map<std::string, int> field_ids, agency_ids;
  for (std::size_t i = 0; i < procedures_.size(); ++i) {
    const Procedure& p = procedures_[i];
    by_code_[p.code] = i;
    std::string words;
    for (const auto& t : text::Tokenize(p.name)) words += (words.empty() ? "" : " ") + t.folded;
    folded_names_.push_back(std::move(words));
    Facts f;
    for (const auto& field : p.fields) {
      f.fields.push_back(Intern(field_ids, field_codes_, field_labels_, field.code,
                                field_names_.contains(field.code) ? field_names_.at(field.code) : field.name));
    }
    for (const auto& a : p.implementing) {
      if (!a.code.empty()) f.agencies.push_back(Intern(agency_ids, agency_codes_, agency_labels_, a.code, a.name));
    }
    for (const auto& l : p.levels) f.levels |= LevelBit(l);
    for (const auto& c : p.channels) {
      if (c.channel >= 1 && c.channel <= 3) f.channels |= 1 << c.channel;
    }
    f.service_class = ClassId(p.service_class);
    facts_.push_back(std::move(f));
    std::string field_text;
    for (const auto& field : p.fields) field_text += field.name + " ";
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
    matched.reserve(procedures_.size());
    for (std::size_t i = 0; i < procedures_.size(); ++i) matched.emplace_back(i, 0.0);
  } else {
    auto found = index_.Find(words);
    terms = std::move(found.terms);
    std::string phrase;
    for (const auto& w : words) phrase += (phrase.empty() ? "" : " ") + w;
    matched.reserve(found.scores.size());
    for (const auto& [doc, score] : found.scores) {
      // The whole query as a phrase of the name ranks first; at its start, higher still.
      auto at = folded_names_[doc].find(phrase);
      double bonus = at == 0 ? 20.0 : at != std::string::npos ? 15.0 : 0.0;
      matched.emplace_back(doc, score + bonus);
    }
  }

  // Filters as small numbers; a filter naming a value no procedure has matches nothing.
  auto index_of = [](const std::vector<std::string>& codes, const std::string& v) {
    auto it = std::find(codes.begin(), codes.end(), v);
    return it == codes.end() ? -2 : static_cast<int>(it - codes.begin());
  };
  int want_field = query.field.empty() ? -1 : index_of(field_codes_, query.field);
  int want_agency = query.agency.empty() ? -1 : index_of(agency_codes_, query.agency);
  int want_level = query.level.empty() ? 0 : LevelBit(query.level);
  int want_class = query.service_class.empty() ? 0 : ClassId(query.service_class);
  int want_channel = query.channel == 0 ? 0 : 1 << query.channel;
  bool level_unknown = !query.level.empty() && want_level == 0;
  auto has = [](const std::vector<int>& list, int v) { return std::find(list.begin(), list.end(), v) != list.end(); };
  auto publisher_is = [&](std::size_t doc) { return !query.agency.empty() && procedures_[doc].publisher_code == query.agency; };
  enum Dim { kField, kLevel, kAgency, kClass, kChannel, kDims };
  auto passes = [&](std::size_t doc, int skip) {
    const Facts& f = facts_[doc];
    if (skip != kField && want_field != -1 && !has(f.fields, want_field)) return false;
    if (skip != kLevel && (level_unknown || (want_level != 0 && (f.levels & want_level) == 0))) return false;
    if (skip != kAgency && want_agency != -1 && !has(f.agencies, want_agency) && !publisher_is(doc)) return false;
    if (skip != kClass && want_class != 0 && f.service_class != want_class) return false;
    if (skip != kChannel && want_channel != 0 && (f.channels & want_channel) == 0) return false;
    return true;
  };
  std::vector<std::size_t> field_counts(field_codes_.size()), agency_counts(agency_codes_.size());
  std::size_t level_counts[4] = {}, class_counts[4] = {}, channel_counts[4] = {};
  std::vector<std::pair<std::size_t, double>> kept;
  kept.reserve(matched.size());
  for (const auto& [doc, score] : matched) {
    const Facts& f = facts_[doc];
    if (passes(doc, -1)) kept.emplace_back(doc, score);
    if (passes(doc, kField)) {
      for (int id : f.fields) ++field_counts[id];
    }
    if (passes(doc, kLevel)) {
      for (int b = 0; b < 4; ++b) level_counts[b] += (f.levels >> b) & 1;
    }
    if (passes(doc, kAgency)) {
      for (std::size_t k = 0; k < f.agencies.size(); ++k) {
        if (std::find(f.agencies.begin(), f.agencies.begin() + static_cast<std::ptrdiff_t>(k), f.agencies[k]) ==
            f.agencies.begin() + static_cast<std::ptrdiff_t>(k)) {
          ++agency_counts[f.agencies[k]];
        }
      }
    }
    if (passes(doc, kClass)) ++class_counts[f.service_class];
    if (passes(doc, kChannel)) {
      for (int c = 1; c <= 3; ++c) channel_counts[c] += (f.channels >> c) & 1;
    }
  }
  // Only the requested page needs ordering in full.
  auto better = [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    if (folded_names_[a.first] != folded_names_[b.first]) return folded_names_[a.first] < folded_names_[b.first];
    return procedures_[a.first].code < procedures_[b.first].code;
  };
  out.total = kept.size();
  std::size_t end = std::min(kept.size(), query.offset + query.limit);
  if (query.offset < kept.size()) {
    std::partial_sort(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(end), kept.end(), better);
  }
  for (std::size_t i = query.offset; i < end; ++i) {
    const Procedure& p = procedures_[kept[i].first];
    Hit h;
    h.procedure = &p;
    h.score = kept[i].second;
    h.name_html = Snippet(p.name, terms);
    h.snippet_html = Snippet(p.description, terms, 200);
    out.hits.push_back(std::move(h));
  }
  auto add = [&](const char* dim, std::string value, std::string label, std::size_t count) {
    if (count > 0) out.facets[dim].push_back({std::move(value), std::move(label), count});
  };
  out.facets["field"];
  out.facets["level"];
  out.facets["agency"];
  out.facets["service_class"];
  out.facets["channel"];
  for (std::size_t i = 0; i < field_codes_.size(); ++i) add("field", field_codes_[i], field_labels_[i], field_counts[i]);
  for (std::size_t i = 0; i < agency_codes_.size(); ++i) add("agency", agency_codes_[i], agency_labels_[i], agency_counts[i]);
  const char* levels[4] = {"central", "province", "district", "commune"};
  for (int b = 0; b < 4; ++b) add("level", levels[b], levels[b], level_counts[b]);
  const char* classes[4] = {"", "info_only", "partial_online", "full_online"};
  for (int c = 1; c < 4; ++c) add("service_class", classes[c], classes[c], class_counts[c]);
  for (int c = 1; c <= 3; ++c) add("channel", std::to_string(c), std::to_string(c), channel_counts[c]);
  for (auto& [dim, list] : out.facets) {
    std::stable_sort(list.begin(), list.end(), [](const Facet& a, const Facet& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
  }
  return out;
}

}  // namespace motcua::catalog
