#include "crypto/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace motcua::crypto {

namespace {

void EnsureSodium() {
  static const int ready = sodium_init();
  if (ready < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string HashPassword(std::string_view password, PasswordCost cost) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.iterations,
                            static_cast<std::size_t>(cost.memory_kib) * 1024,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  EnsureSodium();
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(const std::string& hash, PasswordCost cost) {
  EnsureSodium();
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.iterations,
                                        static_cast<std::size_t>(cost.memory_kib) * 1024) != 0;
}

}  // namespace motcua::crypto
