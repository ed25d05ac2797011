#include "crypto/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace motcua::crypto {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  bool finished = false;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(impl_->ctx); }

void Sha256::Update(std::string_view bytes) {
  if (impl_->finished) throw std::logic_error("Sha256::Update after Finish");
  if (EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

std::array<std::uint8_t, 32> Sha256::Finish() {
  if (impl_->finished) throw std::logic_error("Sha256::Finish twice");
  impl_->finished = true;
  std::array<std::uint8_t, 32> out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, out.data(), &len) != 1 || len != out.size()) {
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  }
  return out;
}

std::string Sha256::FinishHex() {
  auto digest = Finish();
  return ToHex(digest.data(), digest.size());
}

std::string Sha256::Hex(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.FinishHex();
}

std::string ToHex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 0x0F];
  }
  return out;
}

}  // namespace motcua::crypto
