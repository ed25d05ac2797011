// Byte encodings used at protocol boundaries: base64url (JOSE, PKCE), base64, base32 (TOTP
// secrets, RFC 4648).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace motcua::crypto {

/// Base64url without padding (RFC 7515 §2).
std::string Base64UrlEncode(std::string_view bytes);
/// Strict base64url decoding: no padding, no whitespace, no characters outside the alphabet,
/// no non-zero trailing bits; nullopt otherwise.
std::optional<std::string> Base64UrlDecode(std::string_view text);

/// Standard base64 with padding (RFC 4648 §4).
std::string Base64Encode(std::string_view bytes);
/// Standard base64 (padding optional); nullopt on any other character.
std::optional<std::string> Base64Decode(std::string_view text);

/// Base32 without padding, upper case (RFC 4648 §6).
std::string Base32Encode(std::string_view bytes);
/// Base32, case-insensitive, spaces and padding ignored; nullopt on any other character.
std::optional<std::string> Base32Decode(std::string_view text);

/// Compares two strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace motcua::crypto
