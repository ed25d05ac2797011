// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second
// factor officers use with any authenticator app.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace motcua::crypto {

/// The 6-digit code of `secret` (raw bytes) for time step `step` (Unix time / 30).
std::string TotpCode(std::string_view secret, std::uint64_t step);

/// The step in [step-window, step+window] whose code equals `code` and is later than
/// `last_used_step` (a code is accepted once); nullopt otherwise. Constant-time comparison.
std::optional<std::uint64_t> MatchTotp(std::string_view secret, std::string_view code,
                                       std::uint64_t now_step, std::uint64_t last_used_step,
                                       int window = 1);

/// `otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
std::string OtpAuthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret);

}  // namespace motcua::crypto
