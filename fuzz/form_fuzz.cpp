// libFuzzer target: the e-form validator, which reads a schema an agency admin wrote and a form
// an applicant sent. Input: a schema, a line "---", then the form data, both JSON. Invariants: no
// crash, sanitizer report, stack overflow or timeout (run with -timeout); CheckSchema problems
// and ValidateForm problems are bounded, bilingual and at JSON pointers; ValidateForm answers in
// pointer order.
#include <boost/json/src.hpp>  // Boost.JSON compiled into this binary, in this one TU

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dossier/form.hpp"

namespace {

namespace json = boost::json;

constexpr std::string_view kDelimiter = "\n---\n";

bool Parse(std::string_view text, bool allow_invalid_utf8, json::value& out) {
  json::parse_options options;
  options.max_depth = 64;  // deeper than kMaxFormDepth, so the validator's own limit is reached
  options.allow_invalid_utf8 = allow_invalid_utf8;
  boost::system::error_code ec;
  out = json::parse(text, ec, {}, options);
  return !ec;
}

void CheckProblems(const std::vector<motcua::dossier::FormProblem>& problems) {
  if (problems.size() > 201) std::abort();  // 200 and the "more problems" line
  for (const auto& p : problems) {
    if (!p.pointer.empty() && p.pointer.front() != '/') std::abort();
    if (p.message.find(" / ") == std::string::npos) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto cut = input.find(kDelimiter);
  if (cut == std::string_view::npos) return 0;
  json::value schema, form;
  if (!Parse(input.substr(0, cut), false, schema)) return 0;
  auto schema_problems = motcua::dossier::CheckSchema(schema);
  CheckProblems(schema_problems);
  if (!schema_problems.empty()) return 0;
  // Data built outside the JSON parser may hold invalid UTF-8; let the fuzzer send some.
  if (!Parse(input.substr(cut + kDelimiter.size()), true, form)) return 0;
  CheckProblems(motcua::dossier::ValidateForm(schema, form));
  motcua::dossier::PrefillSource source{{{"full_name", "Nguyễn Văn An"},
                                         {"id_number", "001099012345"},
                                         {"birth_date", "1999-01-31"},
                                         {"gender", "male"},
                                         {"email", "an@example.vn"},
                                         {"phone", "0912345678"},
                                         {"address", "12 Hàng Bạc, Hà Nội"}}};
  json::object filled = motcua::dossier::Prefill(schema, source);
  CheckProblems(motcua::dossier::ValidateForm(schema, filled));
  return 0;
}
