#include "core/uuid.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>

namespace motcua::core {
namespace {

TEST(Uuid, V7HasVersionVariantAndCurrentTime) {
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  Uuid id = Uuid::NewV7();
  EXPECT_EQ(id.Version(), 7);
  std::string s = id.ToString();
  ASSERT_EQ(s.size(), 36u);
  EXPECT_TRUE(s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b') << s;
  EXPECT_GE(static_cast<long long>(id.UnixMillis()), before);
}

TEST(Uuid, RoundTripsThroughText) {
  for (int i = 0; i < 100; ++i) {
    Uuid id = Uuid::NewV7();
    auto parsed = Uuid::Parse(id.ToString());
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, id);
  }
  EXPECT_FALSE(Uuid::Parse("not-a-uuid").has_value());
  EXPECT_FALSE(Uuid::Parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g").has_value());
  EXPECT_FALSE(Uuid::Parse("0190a1b2c-3d4-7e5f-8a9b-0c1d2e3f4a5b").has_value());
}

TEST(Uuid, ManyAreUniqueAndNonDecreasingInTime) {
  std::set<std::string> seen;
  std::uint64_t last = 0;
  for (int i = 0; i < 10000; ++i) {
    Uuid id = Uuid::NewV7();
    EXPECT_GE(id.UnixMillis(), last);
    last = id.UnixMillis();
    EXPECT_TRUE(seen.insert(id.ToString()).second);
  }
}

TEST(Uuid, AForkedChildDoesNotRepeatItsParentsRandomBits) {
  // The random bits come from a per-thread buffer; a child must not reuse the parent's.
  (void)Uuid::NewV7();  // the buffer is filled
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string child = Uuid::NewV7().ToString().substr(19);
    ssize_t w = write(fds[1], child.data(), child.size());
    _exit(w == static_cast<ssize_t>(child.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string parent = Uuid::NewV7().ToString().substr(19);
  char buf[64] = {};
  ssize_t n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_EQ(n, static_cast<ssize_t>(parent.size()));
  EXPECT_NE(std::string(buf, static_cast<std::size_t>(n)), parent);
}

}  // namespace
}  // namespace motcua::core
