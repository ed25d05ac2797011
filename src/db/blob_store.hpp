// Content-addressed blob storage (SHA-256). Bytes are streamed in, hashed on the way, and
// stored once per content; metadata lives in the `blobs` table. Backends: a directory tree
// (one node) or PostgreSQL (several nodes). All calls block: use them from the worker pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "db/database.hpp"

namespace motcua::db {

/// What is known of a stored blob.
struct BlobInfo {
  std::string sha256;        ///< 64 lower-case hex characters: the blob's address
  std::int64_t size = 0;     ///< bytes
  std::string content_type;  ///< as declared by the first writer
};

/// Receives one blob's bytes. Destroying it without Commit() discards what was written.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  /// Appends bytes. Fails with kPayloadTooLarge once the total passes the writer's limit; the
  /// writer is then unusable.
  virtual core::Result<void> Write(std::string_view bytes) = 0;
  /// What a caller writes with the metadata: `rows` runs on the connection and inside the
  /// transaction that records the blob, so a row that refers to the blob commits with it;
  /// with `defer_durability` that transaction commits under Connection::DeferDurability().
  struct Also {
    std::function<void(Connection&, const BlobInfo&)> rows;
    bool defer_durability = false;
    Also() = default;
    Also(std::nullptr_t) {}  // NOLINT(google-explicit-constructor): Commit(type, nullptr)
    template <typename F>
      requires std::is_invocable_v<F&, Connection&, const BlobInfo&>
    Also(F f, bool defer = false) : rows(std::move(f)), defer_durability(defer) {}  // NOLINT(google-explicit-constructor)
  };
  /// Makes the blob durable and records its metadata; idempotent for identical content.
  virtual core::Result<BlobInfo> Commit(std::string content_type, const Also& also) = 0;
  core::Result<BlobInfo> Commit(std::string content_type) { return Commit(std::move(content_type), nullptr); }
};

/// A blob store. Thread-safe.
class BlobStore {
 public:
  virtual ~BlobStore() = default;
  /// Starts a streamed write of at most `size_limit` bytes.
  virtual std::unique_ptr<BlobWriter> NewWriter(std::int64_t size_limit) = 0;
  /// Metadata, or nullopt when no such blob.
  std::optional<BlobInfo> Stat(std::string_view sha256);
  /// Streams the bytes to `sink` in chunks. kNotFound when absent or not an address.
  core::Result<void> Read(std::string_view sha256,
                          const std::function<void(std::string_view)>& sink);
  /// Whole content (for small blobs). kNotFound when absent.
  core::Result<std::string> ReadAll(std::string_view sha256);
  /// One-shot put.
  core::Result<BlobInfo> Put(std::string_view bytes, std::string content_type,
                             std::int64_t size_limit);

 protected:
  explicit BlobStore(Database& db) : db_(db) {}
  /// Records metadata, and runs `also` in the same transaction; returns the stored row (the
  /// first writer's content type wins).
  BlobInfo RecordMetadata(const BlobInfo& info, std::string_view backend, const BlobWriter::Also& also);
  /// Streams the bytes of a blob whose metadata exists.
  virtual core::Result<void> ReadBytes(const std::string& sha256,
                                       const std::function<void(std::string_view)>& sink) = 0;
  Database& db_;
};

/// Blobs as files `<root>/ab/<sha256>`, written to `<root>/tmp/` first and renamed when
/// complete, so a crash never leaves a partial blob under its address. Opening a store made
/// with the earlier `<root>/ab/cd/<sha256>` layout moves its files up a level.
std::unique_ptr<BlobStore> MakeFilesystemBlobStore(Database& db, std::filesystem::path root);

/// Blobs as 1 MiB chunks in the `blob_chunks` table, renamed to their address in the same
/// transaction that records the metadata. PostgreSQL only.
std::unique_ptr<BlobStore> MakePostgresBlobStore(Database& db);

/// True for a well-formed address (64 lower-case hex digits).
bool IsBlobAddress(std::string_view sha256);

}  // namespace motcua::db
