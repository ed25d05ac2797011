#include "http/static_files.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "crypto/sha256.hpp"

namespace motcua::http {

namespace fs = std::filesystem;

std::string ContentTypeFor(std::string_view name) {
  auto dot = name.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "ico") return "image/x-icon";
  if (ext == "webp") return "image/webp";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "webmanifest") return "application/manifest+json";
  if (ext == "pdf") return "application/pdf";
  return "application/octet-stream";
}

StaticFiles StaticFiles::Load(const fs::path& root) {
  StaticFiles out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  fs::path canonical_root = fs::canonical(root, ec);
  if (ec) return out;
  for (auto it = fs::recursive_directory_iterator(canonical_root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    fs::path real = fs::canonical(it->path(), ec);
    if (ec) continue;
    fs::path rel = real.lexically_relative(canonical_root);
    if (rel.empty() || *rel.begin() == "..") continue;
    std::ifstream in(real, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    File f;
    f.content = buf.str();
    f.content_type = ContentTypeFor(real.filename().string());
    f.etag = "\"" + crypto::Sha256::Hex(f.content).substr(0, 32) + "\"";
    std::string key = rel.generic_string();
    // Vite puts content-hashed bundles under assets/: their names change when they do.
    f.immutable = key.starts_with("assets/");
    out.files_.emplace(std::move(key), std::move(f));
  }
  return out;
}

Response StaticFiles::Answer(const Request& request, const File& file) const {
  Response r;
  r.SetHeader("ETag", file.etag);
  r.SetHeader("Cache-Control",
              file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  if (auto inm = request.Header("If-None-Match");
      inm && (inm->find(file.etag) != std::string_view::npos || *inm == "*")) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.SetHeader("Content-Type", file.content_type);
  if (file.content_type.starts_with("text/html")) {
    // The built app needs nothing but its own origin: no inline script, no third parties.
    r.SetHeader("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
                "form-action 'self'; frame-ancestors 'none'");
    r.SetHeader("X-Frame-Options", "DENY");
    r.SetHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  }
  r.body = file.content;
  return r;
}

namespace {

bool IsAssetName(std::string_view name) {
  static constexpr std::string_view kAssets[] = {"js",   "mjs",  "css", "map",  "html", "json", "txt", "xml",  "png",
                                                 "jpg",  "jpeg", "gif", "svg",  "ico",  "webp", "avif", "woff", "woff2",
                                                 "ttf",  "otf",  "pdf", "wasm", "webmanifest"};
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext(name.substr(dot + 1));
  for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return std::find(std::begin(kAssets), std::end(kAssets), ext) != std::end(kAssets);
}

}  // namespace

std::optional<Response> StaticFiles::Serve(const Request& request,
                                           const std::vector<std::string>& segments) const {
  if (files_.empty()) return std::nullopt;
  std::string key;
  for (const auto& s : segments) {
    if (s.empty() || s.find('/') != std::string::npos || s.find('\\') != std::string::npos ||
        s == "." || s == "..") {
      return std::nullopt;
    }
    if (!key.empty()) key.push_back('/');
    key += s;
  }
  if (key.empty()) key = "index.html";
  if (auto it = files_.find(key); it != files_.end()) return Answer(request, it->second);

  // A missing asset (`/assets/app-1234.js`) is a 404; any other path is a page of the web app,
  // even when it ends in a code with dots (`/thu-tuc/1.001193`, `/ho-so/000.00.02.H99-261204-0001`).
  bool has_extension = !segments.empty() && IsAssetName(segments.back());
  auto accept = request.Header("Accept").value_or("");
  bool wants_html = accept.empty() || accept.find("text/html") != std::string_view::npos ||
                    accept.find("*/*") != std::string_view::npos;
  if (has_extension || !wants_html) return std::nullopt;
  if (auto it = files_.find("index.html"); it != files_.end()) return Answer(request, it->second);
  return std::nullopt;
}

}  // namespace motcua::http
