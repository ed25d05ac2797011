// Cryptographically secure randomness (libsodium).
#pragma once

#include <string>

namespace motcua::crypto {

/// `bytes` random bytes as lower-case hex (2×bytes characters). Thread-safe.
std::string RandomHex(std::size_t bytes);

}  // namespace motcua::crypto
