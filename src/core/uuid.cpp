#include "core/uuid.hpp"

#include "core/text.hpp"

#include <pthread.h>
#include <sys/random.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace motcua::core {

namespace {

void FillFromKernel(std::uint8_t* out, std::size_t n) {
  while (n > 0) {
    ssize_t got = getrandom(out, n, 0);
    if (got < 0) throw std::runtime_error("getrandom failed");
    out += got;
    n -= static_cast<std::size_t>(got);
  }
}

// Bumped in a forked child, so that it never hands out the bytes its parent also holds.
std::atomic<std::uint64_t> fork_generation{0};

// Ids take their random bits from a per-thread buffer filled by the kernel 4 KiB at a time:
// one system call per 400 ids instead of one per id (several per request).
void FillRandom(std::uint8_t* out, std::size_t n) {
  static std::once_flag registered;
  std::call_once(registered, [] {
    pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
  });
  struct Pool {
    std::array<std::uint8_t, 4096> bytes{};
    std::size_t used = 4096;
    std::uint64_t generation = 0;
  };
  thread_local Pool pool;
  std::uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (pool.generation != generation) {
    pool.used = pool.bytes.size();
    pool.generation = generation;
  }
  if (n > pool.bytes.size()) return FillFromKernel(out, n);
  if (pool.bytes.size() - pool.used < n) {
    FillFromKernel(pool.bytes.data(), pool.bytes.size());
    pool.used = 0;
  }
  std::memcpy(out, pool.bytes.data() + pool.used, n);
  // Used bytes are wiped: a later memory disclosure does not reveal ids already given out.
  std::memset(pool.bytes.data() + pool.used, 0, n);
  pool.used += n;
}

}  // namespace

Uuid Uuid::NewV7() {
  // Ids made in the same millisecond stay ordered: the clock never goes backwards here.
  static std::atomic<std::uint64_t> last_ms{0};
  auto now = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  std::uint64_t prev = last_ms.load(std::memory_order_relaxed);
  while (now > prev && !last_ms.compare_exchange_weak(prev, now, std::memory_order_relaxed)) {
  }
  if (now < prev) now = prev;

  Uuid id;
  FillRandom(id.bytes_.data() + 6, 10);
  for (int i = 0; i < 6; ++i) {
    id.bytes_[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(now >> (40 - 8 * i));
  }
  id.bytes_[6] = static_cast<std::uint8_t>(0x70 | (id.bytes_[6] & 0x0F));
  id.bytes_[8] = static_cast<std::uint8_t>(0x80 | (id.bytes_[8] & 0x3F));
  return id;
}

std::optional<Uuid> Uuid::Parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid id;
  std::size_t b = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = HexDigitValue(text[i]);
    int lo = HexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.bytes_[b++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return id;
}

std::string Uuid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back(kHex[bytes_[i] & 0x0F]);
  }
  return out;
}

std::uint64_t Uuid::UnixMillis() const {
  std::uint64_t ms = 0;
  for (std::size_t i = 0; i < 6; ++i) ms = (ms << 8) | bytes_[i];
  return ms;
}

}  // namespace motcua::core
