// UUIDv7 (RFC 9562): time-ordered identifiers for rows and request ids.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace motcua::core {

/// A 128-bit UUID. Value type; thread-safe to copy.
class Uuid {
 public:
  /// A new version-7 UUID: 48-bit Unix milliseconds, then random bits. Thread-safe.
  static Uuid NewV7();
  /// Parses the canonical 36-character form (any case); nullopt when malformed.
  static std::optional<Uuid> Parse(std::string_view text);

  /// Canonical lower-case form, e.g. `0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b`.
  std::string ToString() const;
  /// The Unix time in milliseconds of a v7 UUID.
  std::uint64_t UnixMillis() const;
  int Version() const { return bytes_[6] >> 4; }

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace motcua::core
