#include "payment/pdf_sign.hpp"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <regex>

namespace motcua::payment {

struct PdfSigner::Keys {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~Keys() {
    EVP_PKEY_free(key);
    X509_free(cert);
  }
};

namespace {

constexpr std::size_t kContentsHex = 16384;  // room for an 8 KiB CMS SignedData

core::Result<std::string> Invalid(std::string what) {
  return core::Fail(core::ErrorCode::kInvalidArgument, std::move(what));
}

std::string Pad10(std::size_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010zu", n);
  return buf;
}

}  // namespace

PdfSigner::PdfSigner(std::unique_ptr<Keys> keys) : keys_(std::move(keys)) {}
PdfSigner::~PdfSigner() = default;

core::Result<std::shared_ptr<const PdfSigner>> PdfSigner::Load(const std::string& key_path, const std::string& cert_path) {
  auto keys = std::make_unique<Keys>();
  if (FILE* f = std::fopen(key_path.c_str(), "r")) {
    keys->key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
  }
  if (!keys->key) return core::Fail(core::ErrorCode::kInvalidArgument, "receipt_signing_key: no PEM private key in " + key_path);
  if (FILE* f = std::fopen(cert_path.c_str(), "r")) {
    keys->cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
  }
  if (!keys->cert) return core::Fail(core::ErrorCode::kInvalidArgument, "receipt_signing_cert: no PEM certificate in " + cert_path);
  if (X509_check_private_key(keys->cert, keys->key) != 1) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "receipt_signing_key does not belong to receipt_signing_cert");
  }
  return std::shared_ptr<const PdfSigner>(new PdfSigner(std::move(keys)));
}

core::Result<std::string> PdfSigner::Sign(std::string pdf, const std::string& reason) const {
  // The previous cross-reference section and the trailer's /Root and /Size.
  auto sx = pdf.rfind("startxref");
  auto tr = pdf.rfind("trailer");
  if (sx == std::string::npos || tr == std::string::npos || tr > sx) return Invalid("not a PDF with a classic trailer");
  std::smatch m;
  std::string trailer = pdf.substr(tr, sx - tr), tail = pdf.substr(sx);
  static const std::regex kRoot(R"(/Root\s+(\d+)\s+0\s+R)"), kSize(R"(/Size\s+(\d+))"), kStart(R"(startxref\s+(\d+))");
  if (!std::regex_search(trailer, m, kRoot)) return Invalid("no /Root");
  std::string root = m[1];
  if (!std::regex_search(trailer, m, kSize)) return Invalid("no /Size");
  std::size_t size = std::stoul(m[1]);
  if (!std::regex_search(tail, m, kStart)) return Invalid("no startxref");
  std::string prev = m[1];
  // The catalog, rewritten with an AcroForm naming the signature field.
  auto obj = pdf.find("\n" + root + " 0 obj");
  if (obj == std::string::npos) return Invalid("no catalog object");
  auto end = pdf.find("endobj", obj);
  auto close = end == std::string::npos ? std::string::npos : pdf.rfind(">>", end);
  auto open = pdf.find("<<", obj);
  if (close == std::string::npos || open == std::string::npos || open > close) return Invalid("malformed catalog");
  std::string catalog = pdf.substr(open, close - open);
  if (catalog.find("/AcroForm") != std::string::npos) return Invalid("the PDF already has a form");
  std::size_t sig = size, field = size + 1;
  if (!pdf.ends_with("\n")) pdf += "\n";

  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() + std::chrono::hours(7));
  auto day = std::chrono::floor<std::chrono::days>(now);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{now - day};
  char when[64];
  std::snprintf(when, sizeof when, "D:%04d%02u%02u%02ld%02ld%02ld+07'00'", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  std::string safe_reason;
  for (char ch : reason) {
    if (ch == '(' || ch == ')' || ch == '\\') safe_reason += '\\';
    if (static_cast<unsigned char>(ch) >= 0x20 && static_cast<unsigned char>(ch) < 0x7f) safe_reason += ch;
  }

  std::size_t sig_at = pdf.size();
  pdf += std::to_string(sig) + " 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [";
  std::size_t range_at = pdf.size();
  pdf += "0000000000 0000000000 0000000000 0000000000] /Contents <";
  std::size_t contents_at = pdf.size() - 1;
  pdf += std::string(kContentsHex, '0');
  pdf += "> /M (" + std::string(when) + ") /Reason (" + safe_reason + ") >>\nendobj\n";
  std::size_t contents_end = contents_at + kContentsHex + 2;
  std::size_t field_at = pdf.size();
  pdf += std::to_string(field) + " 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (BienLai) /F 132 /Rect [0 0 0 0] /V " +
         std::to_string(sig) + " 0 R >>\nendobj\n";
  std::size_t root_at = pdf.size();
  pdf += root + " 0 obj\n" + catalog + " /AcroForm << /Fields [" + std::to_string(field) + " 0 R] /SigFlags 3 >> >>\nendobj\n";
  std::size_t xref_at = pdf.size();
  pdf += "xref\n" + root + " 1\n" + Pad10(root_at) + " 00000 n \n" + std::to_string(sig) + " 2\n" + Pad10(sig_at) + " 00000 n \n" +
         Pad10(field_at) + " 00000 n \n";
  pdf += "trailer\n<< /Size " + std::to_string(size + 2) + " /Root " + root + " 0 R /Prev " + prev + " >>\nstartxref\n" +
         std::to_string(xref_at) + "\n%%EOF\n";
  std::string range = Pad10(0) + " " + Pad10(contents_at) + " " + Pad10(contents_end) + " " + Pad10(pdf.size() - contents_end);
  pdf.replace(range_at, range.size(), range);

  // The detached CMS SignedData over both ranges.
  std::string signed_bytes = pdf.substr(0, contents_at) + pdf.substr(contents_end);
  BIO* in = BIO_new_mem_buf(signed_bytes.data(), static_cast<int>(signed_bytes.size()));
  CMS_ContentInfo* cms = CMS_sign(keys_->cert, keys_->key, nullptr, in, CMS_DETACHED | CMS_BINARY);
  BIO_free(in);
  if (!cms) return core::Fail(core::ErrorCode::kInternal, "CMS_sign failed");
  unsigned char* der = nullptr;
  int n = i2d_CMS_ContentInfo(cms, &der);
  CMS_ContentInfo_free(cms);
  if (n <= 0 || static_cast<std::size_t>(n) * 2 > kContentsHex) {
    OPENSSL_free(der);
    return core::Fail(core::ErrorCode::kInternal, "the CMS signature does not fit /Contents");
  }
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < n; ++i) {
    pdf[contents_at + 1 + 2 * static_cast<std::size_t>(i)] = kHex[der[i] >> 4];
    pdf[contents_at + 2 + 2 * static_cast<std::size_t>(i)] = kHex[der[i] & 15];
  }
  OPENSSL_free(der);
  return pdf;
}

}  // namespace motcua::payment
