// QR codes for printed documents: the modules of a symbol, to be drawn by the PDF renderer.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace motcua::docs {

/// A QR symbol: `size` × `size` modules, row by row, without the quiet zone.
struct QrCode {
  int size = 0;
  std::vector<bool> dark;

  bool At(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)]; }
};

/// Encodes `text` as bytes with error-correction level M (about 15% of the symbol may be
/// damaged), the smallest version that holds it. nullopt when it does not fit a QR symbol.
/// Thread-safe.
std::optional<QrCode> EncodeQr(std::string_view text);

}  // namespace motcua::docs
