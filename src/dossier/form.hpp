// E-forms (tờ khai điện tử) of a procedure case: a JSON Schema subset, checked once when an
// admin saves it and used to validate what an applicant submits, with field-level errors in
// Vietnamese and English.
//
// Supported keywords: type (object, array, string, integer, number, boolean; one type, or a
// type with "null"), properties, required, additionalProperties (false or absent), items,
// minItems, maxItems, enum (enum_titles / enum_titles_en: what is shown for each value), const,
// minLength, maxLength (in characters), pattern (std::regex
// ECMAScript on the UTF-8 bytes, without back-references or repeated groups that can match the
// same text in several ways; matched in time linear in the answer's length), format (date,
// email, phone, id_number — 12-digit personal ID), minimum, maximum, title, title_en,
// description, default, prefill (see below), and the conditional if/then/else, allOf (of
// if/then/else objects) and dependentRequired.
// Anything else is refused by CheckSchema so an admin learns at once that it would be ignored.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace motcua::dossier {

/// One problem: a JSON pointer into the form data (or into the schema for CheckSchema) and a
/// message written "Vietnamese / English".
struct FormProblem {
  std::string pointer;
  std::string message;
};

/// Limits that keep a hostile schema or form from costing much.
inline constexpr std::size_t kMaxFormDepth = 16;
inline constexpr std::size_t kMaxFormBytes = 256 * 1024;
/// A `pattern` is at most this many characters, and is applied only to strings of at most
/// kMaxPatternSubjectBytes bytes (a longer answer is reported instead of matched).
inline constexpr std::size_t kMaxPatternChars = 200;
inline constexpr std::size_t kMaxPatternSubjectBytes = 1000;

/// Problems of a schema (unsupported keyword, wrong keyword type, invalid pattern, a `required`
/// name that is not a property, …); empty when the schema can be used.
std::vector<FormProblem> CheckSchema(const boost::json::value& schema);

/// Problems of `data` against a schema that passed CheckSchema; empty when valid. Every
/// problem is reported (not just the first), ordered by pointer; a missing required member is
/// reported at its own pointer (`/applicant/ho_ten`). Messages use the property's `title`
/// (Vietnamese) and `title_en` when present.
std::vector<FormProblem> ValidateForm(const boost::json::value& schema, const boost::json::value& data);

/// What the applicant's account knows, for `"prefill": "<key>"` on a string property:
/// full_name, id_number, birth_date, gender, email, phone, address, tax_code, business_name.
struct PrefillSource {
  std::vector<std::pair<std::string, std::string>> values;
};

/// A form object with every property that names a `prefill` key filled from `source` (nested
/// objects included); properties without a known value are left out.
boost::json::object Prefill(const boost::json::value& schema, const PrefillSource& source);

}  // namespace motcua::dossier
