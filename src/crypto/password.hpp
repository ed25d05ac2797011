// Password hashing with Argon2id (libsodium), in the PHC string format so the cost travels
// with each hash and can be raised without invalidating stored ones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace motcua::crypto {

/// Argon2id cost: iterations and memory. Parallelism is 1 (libsodium's).
struct PasswordCost {
  std::uint64_t iterations = 2;
  std::uint64_t memory_kib = 19 * 1024;  ///< OWASP's minimum for Argon2id: 19 MiB, t=2, p=1
};

/// A new hash of `password` at `cost` (random salt). Throws std::runtime_error when memory
/// cannot be allocated. CPU-heavy: call from a worker thread, never an I/O thread.
std::string HashPassword(std::string_view password, PasswordCost cost);

/// True when `password` matches the stored `hash`. False for a malformed hash.
bool VerifyPassword(std::string_view password, const std::string& hash);

/// True when `hash` was made with a cost other than `cost` (and should be re-made at login).
bool NeedsRehash(const std::string& hash, PasswordCost cost);

}  // namespace motcua::crypto
