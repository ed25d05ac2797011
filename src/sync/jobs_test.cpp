#include "sync/jobs.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "sync/service.hpp"

namespace motcua::sync {
namespace {

using namespace std::chrono_literals;

TEST(SyncIngest, ABatchThatCouldNotBeStoredComesBackLaterWithEachFailureButNeverAfterTheAckWait) {
  EXPECT_EQ(IngestWorker::RetryDelay(1, 30s), 500ms);
  EXPECT_EQ(IngestWorker::RetryDelay(2, 30s), 1s);
  EXPECT_EQ(IngestWorker::RetryDelay(3, 30s), 2s);
  EXPECT_EQ(IngestWorker::RetryDelay(6, 30s), 16s);
  EXPECT_EQ(IngestWorker::RetryDelay(7, 30s), 30s);
  EXPECT_EQ(IngestWorker::RetryDelay(1000000, 30s), 30s);
  // Unknown delivery count (0): the first delay. An ack wait shorter than the pause: the pause.
  EXPECT_EQ(IngestWorker::RetryDelay(0, 30s), 500ms);
  EXPECT_EQ(IngestWorker::RetryDelay(5, 100ms), 500ms);
}

// A "transaction" over items [from, to) that the database refuses when it holds one of `bad`.
struct Refusing {
  std::set<std::size_t> bad;
  db::DbError::Kind kind = db::DbError::Kind::kGeneric;
  int calls = 0, failures = 0;
  void operator()(std::size_t from, std::size_t to) {
    ++calls;
    for (std::size_t i = from; i < to; ++i) {
      if (bad.contains(i)) {
        ++failures;
        throw db::DbError(kind, "item " + std::to_string(i) + " breaks a rule");
      }
    }
  }
};

TEST(SyncIngest, AnItemTheDatabaseRefusesHoldsBackOnlyItselfAtAFewTransactionsCost) {
  Refusing one{{637}};
  std::vector<char> stored(1000, 0);
  std::string error;
  StoreInHalves(std::ref(one), stored, error);
  for (std::size_t i = 0; i < stored.size(); ++i) EXPECT_EQ(stored[i], i == 637 ? 0 : 1) << i;
  EXPECT_EQ(error, "item 637 breaks a rule");
  EXPECT_EQ(one.failures, 11);  // 1,000 → 500 → … → 1: one failing part at each of 11 sizes
  EXPECT_EQ(one.calls, 21);
  // Nothing refused: one transaction.
  Refusing none;
  std::vector<char> all(1000, 0);
  StoreInHalves(std::ref(none), all, error);
  EXPECT_EQ(none.calls, 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), 1), 1000);
  // A few refused: each held back, the rest stored.
  Refusing three{{0, 1, 999}};
  std::vector<char> some(1000, 0);
  StoreInHalves(std::ref(three), some, error);
  EXPECT_EQ(std::count(some.begin(), some.end(), 0), 3);
  EXPECT_FALSE(some[0] || some[1] || some[999]);
}

TEST(SyncIngest, ADatabaseThatRefusesEverythingOrIsUnavailableIsNotSplitFurther) {
  // Unavailable: thrown at once, nothing tried in parts.
  Refusing down{{5}, db::DbError::Kind::kUnavailable};
  std::vector<char> stored(10, 0);
  std::string error;
  EXPECT_THROW(StoreInHalves(std::ref(down), stored, error), db::DbError);
  EXPECT_EQ(down.calls, 1);
  // Refusing every item: given up after kMaxSplitFailures failed transactions, with what was
  // stored by then (nothing) marked.
  std::set<std::size_t> every;
  for (std::size_t i = 0; i < 1000; ++i) every.insert(i);
  Refusing all{every};
  std::vector<char> none(1000, 0);
  EXPECT_THROW(StoreInHalves(std::ref(all), none, error), db::DbError);
  EXPECT_EQ(all.failures, kMaxSplitFailures);
  EXPECT_EQ(std::count(none.begin(), none.end(), 1), 0);
}

}  // namespace
}  // namespace motcua::sync
