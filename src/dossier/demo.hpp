#pragma once
// Demo procedure configurations (data/forms/): e-forms, document rules and receiving agencies
// of a few procedures, compiled into the binary and written by `motcua seed --demo`.
#include <span>

#include "core/embedded.hpp"
#include "db/database.hpp"

namespace motcua::dossier {

std::span<const core::EmbeddedFile> EmbeddedDemoConfigs();

/// Writes every demo configuration; throws when a file does not parse or its form does not
/// pass CheckSchema, so a broken data file stops the seeding instead of shipping.
void SeedDemoConfigs(db::Connection& conn);

}  // namespace motcua::dossier
