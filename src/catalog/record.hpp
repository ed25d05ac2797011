#pragma once

#include "calendar/work_calendar.hpp"
// A procedure as the national catalog (CSDL quốc gia về TTHC) describes it: the `LayThuTuc` record
// with its exact field names (DOMAIN.md §2.3) plus motcua's extensions (TENTTHC_EN, MOTA_EN,
// MUCDO, DICHVUCONG, SOQUYETDINHCONGBO, NGAYQUYETDINHCONGBO, LOAIPHILEPHI, MAKETQUATHAYTHE).
// The record is kept as it came (unknown keys included, for a lossless round trip); this header
// reads what motcua itself needs out of it, and checks it.
#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace motcua::catalog {

enum class Channel { kInPerson = 1, kOnline = 2, kPost = 3 };

struct Fee {
  std::string code;
  std::int64_t amount = 0;  ///< VND
  std::string kind;         ///< phi | le_phi | "" (not stated)
  std::string description;
};

struct Duration {
  double value = 0;
  std::string unit;  ///< working_days | days | hours | working_hours
  std::string description;
  std::vector<Fee> fees;
};

struct ChannelOption {
  int channel = 1;  ///< 1 in person, 2 online, 3 public post
  std::vector<Duration> durations;
};

struct Document {
  std::string code, name, form_name, form_url, result_substitute;
  int originals = 0;
  int copies = 0;
};

struct Case {
  std::string name;  ///< TRUONGHOP; "" when the procedure has one case
  std::vector<std::string> steps;
  std::vector<Document> documents;
};

struct NamedCode {
  std::string code, name;
};

struct Procedure {
  std::string code;  ///< MATTHC, e.g. 1.001193
  std::string name, name_en, description, description_en, keywords, requirements, subjects_text;
  std::string publisher_code;  ///< MACOQUANCONGBO
  std::string decision_number, decision_date;
  std::string status = "published";  ///< draft | published | suspended | repealed
  std::string service_class;         ///< info_only | partial_online | full_online | ""
  int level = 0;                     ///< legacy 1–4, 0 unknown
  std::vector<std::string> levels;   ///< central | province | district | commune
  std::vector<NamedCode> fields;     ///< LINHVUCTHUCHIEN
  std::vector<std::string> subjects; ///< DOITUONGTHUCHIEN
  std::vector<ChannelOption> channels;
  std::vector<Case> cases;           ///< steps and documents merged by TRUONGHOP
  std::vector<NamedCode> results, legal_bases, related, linked;
  std::vector<NamedCode> implementing, competent, authorised, coordinating;
};

/// A problem with one record: where (a JSON pointer inside the record) and what, in both languages.
struct RecordError {
  std::string pointer;
  std::string message;  ///< "Vietnamese / English"
};

/// Reads and checks one record. Errors name every problem found, not only the first.
struct Parsed {
  std::optional<Procedure> procedure;
  std::vector<RecordError> errors;
};
Parsed ParseRecord(const boost::json::object& record);

/// The map of CAPTHUCHIEN texts ("Cấp Tỉnh") to level names ("province"), and back.
std::string LevelName(std::string_view text);
std::string_view LevelText(std::string_view level, bool english);

/// "working_days" → "ngày làm việc" / "working days".
std::string_view UnitText(std::string_view unit, bool english);

/// One difference between two records: where (a JSON pointer), what happened, old and new values.
struct Change {
  std::string pointer;
  std::string kind;  ///< added | removed | changed
  boost::json::value before, after;
};
/// Field-level differences from `a` to `b`; lists are compared position by position.
std::vector<Change> Diff(const boost::json::value& a, const boost::json::value& b);

/// The legal deadline for entering a published procedure into the catalog (DOMAIN.md §2.3):
/// 10 working days after a ministry's decision, 5 after a province's, counted on `calendar`
/// (Monday to Friday when none is given). `decision_date` is YYYY-MM-DD; "" when it cannot be
/// read.
std::string PublicationDeadline(const std::string& decision_date, bool by_ministry,
                                const calendar::WorkCalendar* calendar = nullptr);

/// The procedure as the API shows it (cases, channels with durations and fees, documents, …).
boost::json::object DetailJson(const Procedure& p);

}  // namespace motcua::catalog
