// SQL of the system module: the deployment's settings (instance_settings).
#pragma once

#include <optional>
#include <string>

#include "db/database.hpp"

namespace motcua::system {

/// How the deployment presents itself (portal header, footer).
struct InstanceInfo {
  std::string name;     ///< Vietnamese
  std::string name_en;  ///< English
  bool demo = false;
};

/// Reads the settings, with defaults for keys never set. Throws db::DbError.
InstanceInfo LoadInstanceInfo(db::Connection& conn);

/// Writes the demo deployment's settings when the database has none yet; returns whether
/// anything was written. Part of `motcua seed --demo`; runs inside the caller's transaction.
bool SeedDemoInstance(db::Connection& conn);

}  // namespace motcua::system
