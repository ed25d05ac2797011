// Pure rules of the identity domain: personal ID numbers (DOMAIN.md §10.2), tax codes,
// password strength, and login throttling. No I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace motcua::identity {

/// A calendar date.
struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
};

/// `YYYY-MM-DD` of a real calendar date; nullopt otherwise.
std::optional<Date> ParseDate(std::string_view text);

/// Checks a 12-digit personal identification number (số định danh cá nhân, Decree 137/2015
/// Art. 13): a known province (or abroad) code, and a century/gender digit and two-digit year
/// that agree with the date of birth and gender. Returns the problems, empty when valid. There is
/// no check digit: uniqueness is the population database's job.
std::vector<core::FieldError> CheckPersonalId(std::string_view pin, const Date& birth,
                                              std::string_view gender, std::string_view field);

/// The province a PIN's first three digits name (`001` → "Hà Nội"); nullopt for unknown codes.
std::optional<std::string_view> PinProvinceName(std::string_view code3);

/// A business tax code: 10 digits with a valid check digit, optionally `-NNN` for a branch.
bool ValidTaxCode(std::string_view code);

/// At least 8 characters (at most 128 bytes), three of: lower case, upper case, digit, other;
/// not containing the login. Empty when acceptable, else why (vi, en).
struct PasswordProblem {
  std::string vi;
  std::string en;
};
std::optional<PasswordProblem> CheckPasswordStrength(std::string_view password,
                                                     std::string_view login);

/// How failed logins slow an attacker down. Counters are per account and per source address.
struct ThrottlePolicy {
  int free_failures = 3;                 ///< failures before any delay
  std::chrono::seconds first_delay{2};   ///< delay after the first counted failure, doubling
  std::chrono::seconds max_delay{300};
  int lock_after = 10;                   ///< failures that lock for `lock_for`
  std::chrono::seconds lock_for{900};
  std::chrono::seconds forget_after{3600};  ///< a quiet hour clears the counter
};

/// Policy for source addresses: more generous (shared NATs), same shape.
ThrottlePolicy AddressThrottlePolicy();

/// Seconds after `last_failure` before the next attempt is allowed, given `failures` so far.
std::chrono::seconds ThrottleDelay(const ThrottlePolicy& policy, int failures);

}  // namespace motcua::identity
