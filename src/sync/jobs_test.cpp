#include "sync/jobs.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace motcua::sync
