// Expected failures: a code, a public message, and field-level details (STYLE.md "Errors").
// Bugs and broken invariants throw instead; the HTTP boundary turns those into a bare 500.
#pragma once

#include <expected>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace motcua::core {

/// What went wrong, independent of transport. Mapped to an HTTP status in one place
/// (http/problem.cpp).
enum class ErrorCode {
  kInvalidArgument,   ///< the input is malformed or fails validation
  kUnauthenticated,   ///< no or bad credentials
  kForbidden,         ///< authenticated but not allowed
  kNotFound,          ///< the thing does not exist (or is not visible to the caller)
  kConflict,          ///< state does not allow the operation
  kPayloadTooLarge,   ///< an input exceeds its size limit
  kUnsupportedMedia,  ///< content type not accepted
  kTooManyRequests,   ///< rate limit
  kUnavailable,       ///< a dependency (database, …) cannot be reached now
  kInternal,          ///< a failure the caller cannot fix
};

/// Stable short name of a code, used in problem `type` URIs (`urn:motcua:problem:<name>`).
std::string_view ErrorCodeName(ErrorCode code);

/// A problem with one input field (JSON pointer-like path, e.g. `applicant/id_number`).
struct FieldError {
  std::string field;
  std::string message;
};

/// An expected failure returned through `Result<T>`.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;              ///< public, safe to show to the caller
  std::vector<FieldError> fields;   ///< field-level problems, may be empty
};

/// `std::expected` with motcua's `Error`.
template <typename T>
using Result = std::expected<T, Error>;

/// Shorthand: `return Fail(ErrorCode::kNotFound, "no such dossier");`
inline std::unexpected<Error> Fail(ErrorCode code, std::string message,
                                   std::vector<FieldError> fields = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(fields)});
}

/// Thrown when a dependency (database, message broker, …) fails. `Unavailable()` failures are
/// temporary — the HTTP boundary answers 503 with Retry-After instead of 500.
class DependencyError : public std::runtime_error {
 public:
  DependencyError(const std::string& what, bool unavailable)
      : std::runtime_error(what), unavailable_(unavailable) {}
  bool Unavailable() const { return unavailable_; }

 private:
  bool unavailable_;
};

}  // namespace motcua::core
