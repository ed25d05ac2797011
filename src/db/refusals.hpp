#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/log.hpp"
#include "db/database.hpp"

namespace motcua::db {

/// The rows of a background pass (a deadline watcher's marks), each written on its own: a row
/// the database refuses (a constraint, a trigger) is counted and left for the next pass, and the
/// pass goes on; a database that is unavailable or busy ends the pass (the error is rethrown).
/// After `limit` refusals GaveUp() is true: the database then refuses writes as such, not one
/// row. On destruction, one warning names the first refused row, its error and the count.
class Refusals {
 public:
  Refusals(std::string_view job, std::size_t& count, std::size_t limit = 32) : job_(job), count_(count), limit_(limit) {}
  Refusals(const Refusals&) = delete;
  Refusals& operator=(const Refusals&) = delete;
  ~Refusals() {
    if (count_ == 0) return;
    core::Log(core::LogLevel::kWarn, job_ + ": the database refused to mark some; they are tried again next pass",
              {{"not_marked", static_cast<std::int64_t>(count_)}, {"first", std::string_view(first_)},
               {"error", std::string_view(error_)}});
  }

  /// Runs `write` (one row's transaction) for the row named `which`.
  template <class Write>
  void operator()(const std::string& which, Write&& write) {
    try {
      write();
    } catch (const DbError& e) {
      if (e.Unavailable()) throw;
      if (count_++ == 0) {
        first_ = which;
        error_ = e.what();
      }
    }
  }
  bool GaveUp() const { return count_ >= limit_; }

 private:
  std::string job_;
  std::size_t& count_;
  std::size_t limit_;
  std::string first_, error_;
};

}  // namespace motcua::db
