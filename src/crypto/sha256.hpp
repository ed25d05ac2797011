// SHA-256 (FIPS 180-4), incremental, for content addresses and ETags.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace motcua::crypto {

/// Incremental SHA-256. Not thread-safe; one hasher per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  /// The digest; the hasher cannot be updated afterwards.
  std::array<std::uint8_t, 32> Finish();
  /// The digest as 64 lower-case hex characters.
  std::string FinishHex();

  /// One-shot hex digest.
  static std::string Hex(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Lower-case hex of arbitrary bytes.
std::string ToHex(const std::uint8_t* data, std::size_t size);

}  // namespace motcua::crypto
