// Demo data of the identity module (DESIGN.md "Demo data"): the demo province's agency tree,
// the demo accounts (password `Demo@2026`) and the demo OIDC clients. Never outside demo mode.
#pragma once

#include <span>

#include "core/embedded.hpp"
#include "crypto/password.hpp"
#include "db/database.hpp"

namespace motcua::identity {

/// data/agencies/demo.json, compiled in.
std::span<const core::EmbeddedFile> EmbeddedDemoData();

/// Seeds agencies, accounts and clients in the caller's transaction. Throws on failure.
void SeedDemoIdentity(db::Connection& conn, crypto::PasswordCost cost);

}  // namespace motcua::identity
