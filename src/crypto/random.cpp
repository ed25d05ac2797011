#include "crypto/random.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

#include "crypto/sha256.hpp"

namespace motcua::crypto {

std::string RandomHex(std::size_t bytes) {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("sodium_init failed");
  std::vector<std::uint8_t> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return ToHex(buf.data(), buf.size());
}

}  // namespace motcua::crypto
