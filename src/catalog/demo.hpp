#pragma once
// The demo catalog (data/catalog/): fields, procedures, FAQ and life-event bundles, compiled
// into the binary and written by `motcua seed --demo` in the seeding transaction.
#include <boost/json.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include "core/embedded.hpp"
#include "db/database.hpp"

namespace motcua::catalog {

std::span<const core::EmbeddedFile> EmbeddedDemoCatalog();

/// Writes the demo catalog; throws on a data file that does not parse or check.
void SeedDemoCatalog(db::Connection& conn);

}  // namespace motcua::catalog

namespace motcua::catalog {

/// `count` synthetic procedures for benchmarks: LayThuTuc records with Vietnamese names,
/// descriptions, fields, levels, channels and papers drawn from fixed word lists by a seeded
/// generator (the same `seed` gives the same records). Codes are 8.xxxxxx, never a real code.
std::vector<boost::json::object> SyntheticRecords(std::size_t count, std::uint32_t seed = 1);

/// Writes SyntheticRecords(count) in one transaction.
void SeedSynthetic(db::Connection& conn, std::size_t count);

}  // namespace motcua::catalog
