#include "dossier/demo.hpp"

#include <boost/json.hpp>

#include <stdexcept>
#include <string>

#include "core/time.hpp"
#include "dossier/form.hpp"
#include "dossier/store.hpp"

namespace motcua::dossier {

namespace {

namespace json = boost::json;

void Check(const json::value& form, const std::string& where) {
  if (form.is_null()) return;
  auto problems = CheckSchema(form);
  if (!problems.empty()) throw std::runtime_error(where + problems.front().pointer + ": " + problems.front().message);
}

}  // namespace

void SeedDemoConfigs(db::Connection& conn) {
  std::string now = core::NowUtc();
  for (const auto& file : EmbeddedDemoConfigs()) {
    std::string where(file.path);
    json::value doc = json::parse(file.content);
    json::object config = doc.as_object();
    std::string code(config.at("procedure_code").as_string());
    config.erase("procedure_code");
    if (auto it = config.find("form"); it != config.end()) Check(it->value(), where + " /form");
    if (auto it = config.find("cases"); it != config.end()) {
      for (const auto& [k, v] : it->value().as_object()) {
        if (auto f = v.as_object().find("form"); f != v.as_object().end()) Check(f->value(), where + " /cases/" + std::string(k) + "/form");
      }
    }
    conn.Execute(store::kUpsertConfig, {code, json::serialize(config), now, std::string("demo")});
  }
}

}  // namespace motcua::dossier
