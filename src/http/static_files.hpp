// The built web app served from memory: ETag and Cache-Control, conditional GET, SPA fallback.
// Only files found under the root at load time can ever be served, so no request path can
// reach outside it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/message.hpp"

namespace motcua::http {

/// An immutable in-memory copy of a directory tree. Thread-safe after construction.
class StaticFiles {
 public:
  /// Loads every regular file under `root` (symlinks leaving the root are skipped). A missing
  /// root yields an empty set (the API still works; the web app is just not there).
  static StaticFiles Load(const std::filesystem::path& root);

  bool Empty() const { return files_.empty(); }
  std::size_t Count() const { return files_.size(); }

  /// Answers a GET/HEAD for decoded path `segments`, or nullopt when this is not a static-file
  /// request (the caller then answers 404). Paths without an extension that match no file get
  /// `index.html` (client-side routes) when the client accepts HTML.
  std::optional<Response> Serve(const Request& request,
                                const std::vector<std::string>& segments) const;

 private:
  struct File {
    std::string content;
    std::string content_type;
    std::string etag;
    bool immutable = false;
  };
  Response Answer(const Request& request, const File& file) const;
  std::unordered_map<std::string, File> files_;
};

/// Content type for a file name by its extension.
std::string ContentTypeFor(std::string_view filename);

}  // namespace motcua::http
