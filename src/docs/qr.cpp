#include "docs/qr.hpp"

#include <qrencode.h>

#include <memory>
#include <string>

namespace motcua::docs {

std::optional<QrCode> EncodeQr(std::string_view text) {
  if (text.empty() || text.size() > 4096) return std::nullopt;  // a QR symbol holds at most 2,331 bytes at level M
  // QRcode_encodeData takes a length, so a NUL inside the text does not cut it short.
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0,
                        QR_ECLEVEL_M),
      &QRcode_free);
  if (!code) return std::nullopt;
  QrCode out;
  out.size = code->width;
  out.dark.resize(static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width));
  // libqrencode: bit 0 of each byte is the module's colour (1 = dark).
  for (std::size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = (code->data[i] & 1) != 0;
  return out;
}

}  // namespace motcua::docs
