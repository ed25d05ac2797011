#include "system/store.hpp"

#include "core/time.hpp"

namespace motcua::system {

namespace {

constexpr db::Query kSettings{"system_settings", "SELECT key, value FROM instance_settings"};
constexpr db::Query kInsertSetting{
    "system_insert_setting",
    "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (key) DO NOTHING"};

}  // namespace

InstanceInfo LoadInstanceInfo(db::Connection& conn) {
  InstanceInfo info{"Cổng dịch vụ công", "Public Service Portal", false};
  auto rows = conn.Execute(kSettings);
  for (std::size_t r = 0; r < rows.rows.size(); ++r) {
    std::string key = rows.Text(r, 0);
    std::string value = rows.Text(r, 1);
    if (key == "name") info.name = value;
    else if (key == "name_en") info.name_en = value;
    else if (key == "demo") info.demo = value == "true";
  }
  return info;
}

bool SeedDemoInstance(db::Connection& conn) {
  std::string now = core::NowUtc();
  auto demo = conn.Execute(kInsertSetting, {std::string("demo"), std::string("true"), now});
  if (demo.affected == 0) return false;
  conn.Execute(kInsertSetting, {std::string("name"), std::string("Cổng dịch vụ công tỉnh An Hòa"), now});
  conn.Execute(kInsertSetting,
               {std::string("name_en"), std::string("An Hoa Province Public Service Portal"), now});
  return true;
}

}  // namespace motcua::system
