#pragma once
// Vietnamese search over the catalog, in memory. motcua folds and indexes the text itself
// (text::Fold), so a deployment on SQLite and one on PostgreSQL give the same answers; each node
// rebuilds its index from the database when the catalog's generation changes.
#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/record.hpp"
#include "text/fold.hpp"

namespace motcua::catalog {

/// An inverted index of weighted text fields, with exact, prefix and one-typo matching.
class TextIndex {
 public:
  /// Adds document number `doc` (0, 1, 2, … in order) with its texts and their weights.
  void Add(std::size_t doc, const std::vector<std::pair<std::string, double>>& texts);
  void Finish();  ///< call once after the last Add

  struct Match {
    std::unordered_map<std::size_t, double> scores;  ///< documents that contain every query word
    std::set<std::string> terms;                     ///< the index words that matched (for highlights)
  };
  /// `words` are folded query words; the last may be a prefix still being typed.
  Match Find(const std::vector<std::string>& words) const;

 private:
  struct Posting {
    std::size_t doc;
    double weight;
  };
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  std::vector<std::string> vocabulary_;  ///< sorted
  std::size_t documents_ = 0;
};

/// The folded words of a query: at most 12, each at most 64 bytes.
std::vector<std::string> QueryWords(std::string_view q);

/// `text` with the words that are in `terms` marked (<mark>, HTML-escaped); with `window` > 0,
/// only about that many bytes around the first mark (or the start).
std::string Snippet(std::string_view text, const std::set<std::string>& terms, std::size_t window = 0);

struct SearchQuery {
  std::string q;
  std::string field, level, agency, service_class;
  int channel = 0;
  std::size_t offset = 0;
  std::size_t limit = 20;
};

struct Facet {
  std::string value;
  std::string label;
  std::size_t count = 0;
};

struct Hit {
  const Procedure* procedure = nullptr;
  double score = 0;
  std::string name_html;     ///< the name with the matched words marked
  std::string snippet_html;  ///< a piece of the description with the matched words marked
};

struct SearchResult {
  std::vector<Hit> hits;  ///< the requested page
  std::size_t total = 0;
  std::map<std::string, std::vector<Facet>> facets;  ///< field, level, agency, service_class, channel
};

/// The published catalog, searchable.
class ProcedureIndex {
 public:
  ProcedureIndex(std::vector<Procedure> procedures, std::map<std::string, std::string> field_names);
  SearchResult Search(const SearchQuery& query) const;
  const Procedure* Find(const std::string& code) const;
  const std::vector<Procedure>& All() const { return procedures_; }

 private:
  // What filters and facets look at, per procedure, as small numbers (indexes into the tables).
  struct Facts {
    std::vector<int> fields, agencies;
    int levels = 0;    ///< bit per level
    int channels = 0;  ///< bit per channel 1..3
    int service_class = 0;
  };
  std::vector<Procedure> procedures_;
  std::vector<std::string> folded_names_;  ///< the name's folded words joined by spaces
  std::vector<Facts> facts_;
  std::vector<std::string> field_codes_, field_labels_, agency_codes_, agency_labels_;
  std::map<std::string, std::string> field_names_;
  std::unordered_map<std::string, std::size_t> by_code_;
  TextIndex index_;
};

}  // namespace motcua::catalog
