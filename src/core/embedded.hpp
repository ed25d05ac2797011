// Files compiled into the binary by cmake/Embed.cmake (migrations, OpenAPI fragments).
#pragma once

#include <span>
#include <string_view>

namespace motcua::core {

/// One embedded file: its path relative to the source tree and its bytes.
struct EmbeddedFile {
  std::string_view path;
  std::string_view content;
};

}  // namespace motcua::core
