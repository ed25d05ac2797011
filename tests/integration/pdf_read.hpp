// Reading the PDFs the server makes, as a person would: their text and their QR code, with the
// poppler and zbar command-line tools.
#pragma once

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace motcua::testing {

/// What `command` writes to its standard output.
inline std::string Run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

/// A PDF's text (pdftotext, white space runs made one space) and what its first page's QR code
/// says (pdftoppm at 150 dpi, then zbarimg).
struct Read {
  std::string text, qr;
};

inline Read ReadPdf(const std::string& pdf) {
  namespace fs = std::filesystem;
  static std::atomic<int> n{0};
  fs::path dir = fs::temp_directory_path() / ("motcua-pdf-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::create_directories(dir);
  std::ofstream(dir / "f.pdf", std::ios::binary) << pdf;
  Read out;
  for (char ch : Run("pdftotext -raw -enc UTF-8 '" + (dir / "f.pdf").string() + "' -")) {
    bool space = ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f';
    if (!space) out.text += ch;
    else if (!out.text.empty() && out.text.back() != ' ') out.text += ' ';
  }
  Run("pdftoppm -r 150 -png -f 1 -l 1 '" + (dir / "f.pdf").string() + "' '" + (dir / "page").string() + "'");
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".png") out.qr = Run("zbarimg --raw -q '" + e.path().string() + "'");
  }
  while (!out.qr.empty() && (out.qr.back() == '\n' || out.qr.back() == '\r')) out.qr.pop_back();
  std::error_code ec;
  fs::remove_all(dir, ec);
  return out;
}

}  // namespace motcua::testing
