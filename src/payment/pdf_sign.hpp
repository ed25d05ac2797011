// Digital signatures of our e-receipts: a PDF signature (ISO 32000-1 §12.8) added as an
// incremental update — an invisible signature field in a new AcroForm whose /V is a signature
// dictionary (/SubFilter /adbe.pkcs7.detached) with a detached CMS SignedData made with OpenSSL's
// CMS API over the whole file except the /Contents hex string (/ByteRange).
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"

namespace motcua::payment {

class PdfSigner {
 public:
  /// The deployment's key and certificate (PEM files). kInvalidArgument names what is wrong.
  static core::Result<std::shared_ptr<const PdfSigner>> Load(const std::string& key_path, const std::string& cert_path);
  ~PdfSigner();
  /// `pdf` (a classic cross-reference table, as cairo writes) with the signature appended.
  core::Result<std::string> Sign(std::string pdf, const std::string& reason) const;

  struct Keys;

 private:
  explicit PdfSigner(std::unique_ptr<Keys> keys);
  std::unique_ptr<Keys> keys_;
};

}  // namespace motcua::payment
