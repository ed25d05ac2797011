// Delivery rules, pure: when a failed message is tried again (exponential back-off with
// jitter), when a recipient has had enough messages for the hour, and whether an e-mail
// address or a phone number can be sent to at all.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace motcua::notify {

/// Exponential back-off: attempt n (1-based, the attempt that just failed) waits
/// `base * 2^(n-1)`, capped at `cap`, then scaled by a jitter factor in [0.5, 1.0]
/// (`jitter` is a uniform random number in [0, 1) supplied by the caller, so this is testable).
struct Backoff {
  std::chrono::seconds base{30};
  std::chrono::seconds cap{std::chrono::hours(2)};
  std::chrono::milliseconds Delay(int attempt, double jitter) const;
};

/// At most `per_hour` messages to one recipient on one channel in a sliding hour. Given how
/// many were sent in the last hour and when the oldest of those was sent, says how long the
/// next one must wait (zero: send now). `per_hour == 0` means no limit.
std::chrono::seconds RateLimitWait(std::int64_t sent_last_hour, std::int64_t per_hour,
                                   std::chrono::seconds since_oldest);

/// A deliverable e-mail address (`local@domain.tld`, ASCII, no spaces, quotes, angle brackets
/// or control characters, at most 254 bytes); lower-cased domain, or nullopt.
std::optional<std::string> NormalizeEmail(std::string_view address);

/// A Vietnamese mobile number (`0912345678`, `+84 912 345 678`, `84912345678`; spaces, dots and
/// dashes ignored) in the form SMS gateways expect, `84912345678`; nullopt otherwise.
std::optional<std::string> NormalizePhone(std::string_view phone);

}  // namespace motcua::notify
