#include "crypto/sha256.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"

namespace motcua::crypto {
namespace {

TEST(Sha256, KnownVectors) {
  // FIPS 180-4 examples.
  EXPECT_EQ(Sha256::Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256::Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  std::string text(100000, 'x');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  Sha256 h;
  for (std::size_t i = 0; i < text.size(); i += 777) h.Update(std::string_view(text).substr(i, 777));
  EXPECT_EQ(h.FinishHex(), Sha256::Hex(text));
}

TEST(Random, HexHasRequestedLengthAndVaries) {
  auto a = RandomHex(16);
  auto b = RandomHex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace motcua::crypto
