#include "db/blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "crypto/sha256.hpp"

namespace motcua::db {

namespace fs = std::filesystem;

namespace {

constexpr Query kStat{"blob_stat",
                      "SELECT sha256, size_bytes, content_type FROM blobs WHERE sha256 = $1"};
constexpr Query kInsertMeta{
    "blob_insert_meta",
    "INSERT INTO blobs (sha256, size_bytes, content_type, backend, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING "
    "RETURNING sha256, size_bytes, content_type"};
constexpr Query kInsertChunk{"blob_insert_chunk",
                             "INSERT INTO blob_chunks (blob_key, seq, data) VALUES ($1, $2, $3)"};
constexpr Query kRenameChunks{"blob_rename_chunks",
                              "UPDATE blob_chunks SET blob_key = $2 WHERE blob_key = $1"};
constexpr Query kDeleteChunks{"blob_delete_chunks", "DELETE FROM blob_chunks WHERE blob_key = $1"};
constexpr Query kChunkCount{"blob_chunk_count",
                            "SELECT count(*) FROM blob_chunks WHERE blob_key = $1"};
constexpr Query kReadChunk{"blob_read_chunk",
                           "SELECT data FROM blob_chunks WHERE blob_key = $1 AND seq = $2"};
constexpr Query kDeleteStaleChunks{"blob_delete_stale_chunks",
                                   "DELETE FROM blob_chunks WHERE blob_key LIKE 'tmp:%'"};

constexpr std::size_t kChunk = 1 << 20;

core::Result<void> TooLarge(std::int64_t limit) {
  return core::Fail(core::ErrorCode::kPayloadTooLarge,
                    "The file exceeds the limit of " + std::to_string(limit) + " bytes.");
}

/// What every writer does with each chunk: count it against the limit and hash it. Once over the
/// limit, the write stays failed.
class MeteredHash {
 public:
  explicit MeteredHash(std::int64_t limit) : limit_(limit) {}
  core::Result<void> Add(std::string_view bytes) {
    if (!failed_) {
      size_ += static_cast<std::int64_t>(bytes.size());
      failed_ = size_ > limit_;
    }
    if (failed_) return TooLarge(limit_);
    hash_.Update(bytes);
    return {};
  }
  /// The blob's address and size, content type to be filled in; fails when over the limit.
  core::Result<BlobInfo> Finish() {
    if (failed_) return std::unexpected(TooLarge(limit_).error());
    return BlobInfo{hash_.FinishHex(), size_, {}};
  }

 private:
  std::int64_t limit_;
  std::int64_t size_ = 0;
  bool failed_ = false;
  crypto::Sha256 hash_;
};

// ----- filesystem -----

fs::path PathFor(const fs::path& root, const std::string& sha256) {
  return root / sha256.substr(0, 2) / sha256;
}

// A name created, renamed or removed in `dir` is on disk once the directory itself is synced.
void SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + dir.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::runtime_error("cannot sync " + dir.string() + ": " + std::strerror(errno));
}

class FsWriter final : public BlobWriter {
 public:
  FsWriter(std::function<BlobInfo(const BlobInfo&, const Also&)> record, fs::path root, std::int64_t limit)
      : record_(std::move(record)), root_(std::move(root)), meter_(limit) {
    tmp_ = root_ / "tmp" / (core::Uuid::NewV7().ToString() + ".part");
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd_ < 0) throw std::runtime_error("cannot create " + tmp_.string() + ": " + std::strerror(errno));
  }
  ~FsWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) {
      std::error_code ec;
      fs::remove(tmp_, ec);
    }
  }

  core::Result<void> Write(std::string_view bytes) override {
    if (auto ok = meter_.Add(bytes); !ok) return ok;
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("blob write failed: " + std::string(std::strerror(errno)));
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  core::Result<BlobInfo> Commit(std::string content_type, const Also& also) override {
    auto info = meter_.Finish();
    if (!info) return info;
    info->content_type = std::move(content_type);
    if (::fsync(fd_) != 0) throw std::runtime_error("blob fsync failed");
    ::close(fd_);
    fd_ = -1;
    fs::path final_path = PathFor(root_, info->sha256);
    fs::path dir = final_path.parent_path();
    // The bytes reach their address, and the address the disk, before the metadata does:
    // metadata never points at nothing, even after a power cut. The store made the fan-out
    // directories when it opened; one removed since is made again (its name synced too).
    std::error_code ec;
    fs::rename(tmp_, final_path, ec);
    if (ec == std::errc::no_such_file_or_directory) {
      fs::create_directories(dir);
      SyncDirectory(root_);
      fs::rename(tmp_, final_path);
    } else if (ec) {
      throw fs::filesystem_error("cannot move a blob into place", tmp_, final_path, ec);
    }
    SyncDirectory(dir);
    committed_ = true;
    return record_(*info, also);
  }

 private:
  std::function<BlobInfo(const BlobInfo&, const Also&)> record_;
  fs::path root_;
  fs::path tmp_;
  MeteredHash meter_;
  int fd_ = -1;
  bool committed_ = false;
};

// The 256 fan-out directories `00`…`ff` are made when the store opens, so no upload pays for
// a mkdir and the syncs of the directories above it. One level keeps that set small enough to
// make up front; ext4's hashed directories keep look-ups fast with many files in each.
void MakeFanOut(const fs::path& root) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  bool made = false;
  for (std::size_t i = 0; i < 256; ++i) {
    const char name[] = {kHex[i >> 4], kHex[i & 15], '\0'};
    made = fs::create_directory(root / name) || made;
  }
  if (made) SyncDirectory(root);
}

// Written once the store is known to hold only `ab/<sha256>` files.
constexpr std::string_view kLayoutMark = "LAYOUT";

// Stores made before the one-level layout kept blobs at `ab/cd/<sha256>`: each moves up into
// `ab/`. A rename is atomic, so a crash part-way leaves every blob under one of the two names,
// and the next start carries on.
void MoveTwoLevelBlobs(const fs::path& root) {
  for (const auto& fan : fs::directory_iterator(root)) {
    const auto fan_name = fan.path().filename().string();
    if (!fan.is_directory() || fan_name.size() != 2 || !std::isxdigit(static_cast<unsigned char>(fan_name[0])) ||
        !std::isxdigit(static_cast<unsigned char>(fan_name[1]))) {
      continue;
    }
    std::vector<fs::path> emptied;
    for (const auto& sub : fs::directory_iterator(fan.path())) {
      if (!sub.is_directory()) continue;
      for (const auto& blob : fs::directory_iterator(sub.path())) {
        if (IsBlobAddress(blob.path().filename().string())) {
          fs::rename(blob.path(), fan.path() / blob.path().filename());
        }
      }
      emptied.push_back(sub.path());
    }
    if (emptied.empty()) continue;
    SyncDirectory(fan.path());
    for (const auto& sub : emptied) {
      SyncDirectory(sub);
      std::error_code ec;
      fs::remove(sub, ec);  // left in place if something else was in it
    }
    SyncDirectory(fan.path());
  }
}

void MarkLayout(const fs::path& root) {
  static constexpr std::string_view kText = "ab/<sha256>\n";
  const auto tmp = root / "tmp" / kLayoutMark;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  bool ok = fd >= 0 && ::write(fd, kText.data(), kText.size()) == static_cast<ssize_t>(kText.size()) && ::fsync(fd) == 0;
  int error = errno;  // before close(), which may change it
  if (fd >= 0) ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(error));
  fs::rename(tmp, root / kLayoutMark);
  SyncDirectory(root);
}

class FsBlobStore final : public BlobStore {
 public:
  FsBlobStore(Database& db, fs::path root) : BlobStore(db), root_(std::move(root)) {
    fs::create_directories(root_ / "tmp");
    // Parts left by a crash are incomplete by definition.
    for (const auto& entry : fs::directory_iterator(root_ / "tmp")) {
      std::error_code ec;
      fs::remove(entry.path(), ec);
    }
    MakeFanOut(root_);
    if (!fs::exists(root_ / kLayoutMark)) {
      MoveTwoLevelBlobs(root_);
      MarkLayout(root_);
    }
  }

  std::unique_ptr<BlobWriter> NewWriter(std::int64_t size_limit) override {
    return std::make_unique<FsWriter>(
        [this](const BlobInfo& info, const BlobWriter::Also& also) { return RecordMetadata(info, "fs", also); }, root_,
        size_limit);
  }

  core::Result<void> ReadBytes(const std::string& sha256,
                               const std::function<void(std::string_view)>& sink) override {
    std::ifstream in(PathFor(root_, sha256), std::ios::binary);
    if (!in) return core::Fail(core::ErrorCode::kNotFound, "No such file.");
    std::string buf(64 * 1024, '\0');
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      auto n = static_cast<std::size_t>(in.gcount());
      if (n > 0) sink(std::string_view(buf.data(), n));
    }
    return {};
  }

 private:
  fs::path root_;
};

// ----- PostgreSQL -----

class PgWriter final : public BlobWriter {
 public:
  PgWriter(Database& db, std::function<BlobInfo(const BlobInfo&, Connection&)> record,
           std::int64_t limit)
      : db_(db), record_(std::move(record)), meter_(limit),
        key_("tmp:" + core::Uuid::NewV7().ToString()) {}
  ~PgWriter() override {
    if (committed_ || seq_ == 0) return;
    try {
      auto conn = db_.Acquire();
      conn->Execute(kDeleteChunks, {key_});
    } catch (...) {
      // Left for the start-up sweep of stale chunks.
    }
  }

  core::Result<void> Write(std::string_view bytes) override {
    if (auto ok = meter_.Add(bytes); !ok) return ok;
    buffer_.append(bytes);
    while (buffer_.size() >= kChunk) {
      Flush(std::string_view(buffer_).substr(0, kChunk));
      buffer_.erase(0, kChunk);
    }
    return {};
  }

  core::Result<BlobInfo> Commit(std::string content_type, const Also& also) override {
    auto metered = meter_.Finish();
    if (!metered) return metered;
    BlobInfo info = std::move(*metered);
    info.content_type = std::move(content_type);
    auto conn = db_.Acquire();
    Transaction tx(*conn);
    if (also.defer_durability) conn->DeferDurability();
    auto existing = conn->Execute(kChunkCount, {info.sha256});
    if (seq_ == 0) {
      // Everything is still in memory (under one chunk): it goes in under its address in
      // this one transaction, unless the same content is already stored.
      if (existing.Int(0, 0) == 0) {
        conn->Execute(kInsertChunk, {info.sha256, std::int64_t{0}, Bytes{std::move(buffer_)}});
      }
    } else {
      if (!buffer_.empty()) {
        conn->Execute(kInsertChunk, {key_, static_cast<std::int64_t>(seq_++), Bytes{std::move(buffer_)}});
      }
      if (existing.Int(0, 0) > 0) {
        conn->Execute(kDeleteChunks, {key_});  // same content is already stored
      } else {
        conn->Execute(kRenameChunks, {key_, info.sha256});
      }
    }
    buffer_.clear();
    BlobInfo stored = record_(info, *conn);
    if (also.rows) also.rows(*conn, stored);
    tx.Commit();
    committed_ = true;
    return stored;
  }

 private:
  void Flush(std::string_view chunk) {
    auto conn = db_.Acquire();
    conn->Execute(kInsertChunk, {key_, static_cast<std::int64_t>(seq_++), Bytes{std::string(chunk)}});
  }

  Database& db_;
  std::function<BlobInfo(const BlobInfo&, Connection&)> record_;
  MeteredHash meter_;
  std::string key_;
  std::string buffer_;
  std::int64_t seq_ = 0;
  bool committed_ = false;
};

BlobInfo RecordOn(Connection& conn, const BlobInfo& info, std::string_view backend) {
  // A new blob answers its row at once; the same bytes stored before keep their first row.
  auto row = conn.Execute(kInsertMeta, {info.sha256, info.size, info.content_type, std::string(backend),
                                        core::NowUtc()});
  if (row.Empty()) row = conn.Execute(kStat, {info.sha256});
  return BlobInfo{row.Text(0, 0), row.Int(0, 1), row.Text(0, 2)};
}

class PgBlobStore final : public BlobStore {
 public:
  explicit PgBlobStore(Database& db) : BlobStore(db) {
    auto conn = db_.Acquire();
    conn->Execute(kDeleteStaleChunks);
  }

  std::unique_ptr<BlobWriter> NewWriter(std::int64_t size_limit) override {
    return std::make_unique<PgWriter>(
        db_, [](const BlobInfo& info, Connection& conn) { return RecordOn(conn, info, "postgres"); },
        size_limit);
  }

  core::Result<void> ReadBytes(const std::string& key,
                               const std::function<void(std::string_view)>& sink) override {
    std::int64_t chunks = 0;
    {
      auto conn = db_.Acquire();
      chunks = conn->Execute(kChunkCount, {key}).Int(0, 0);
    }
    for (std::int64_t seq = 0; seq < chunks; ++seq) {
      ResultSet row;
      {
        auto conn = db_.Acquire();
        row = conn->Execute(kReadChunk, {key, seq});
      }
      if (row.Empty()) return core::Fail(core::ErrorCode::kInternal, "blob chunk missing");
      sink(row.Blob(0, 0).data);
    }
    return {};
  }
};

}  // namespace

bool IsBlobAddress(std::string_view sha256) {
  if (sha256.size() != 64) return false;
  for (char c : sha256) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<BlobInfo> BlobStore::Stat(std::string_view sha256) {
  if (!IsBlobAddress(sha256)) return std::nullopt;
  auto conn = db_.Acquire();
  auto row = conn->Execute(kStat, {std::string(sha256)});
  if (row.Empty()) return std::nullopt;
  return BlobInfo{row.Text(0, 0), row.Int(0, 1), row.Text(0, 2)};
}

BlobInfo BlobStore::RecordMetadata(const BlobInfo& info, std::string_view backend, const BlobWriter::Also& also) {
  auto conn = db_.Acquire();
  if (!also.rows && !also.defer_durability) return RecordOn(*conn, info, backend);
  Transaction tx(*conn);
  if (also.defer_durability) conn->DeferDurability();
  BlobInfo stored = RecordOn(*conn, info, backend);
  if (also.rows) also.rows(*conn, stored);
  tx.Commit();
  return stored;
}

core::Result<void> BlobStore::Read(std::string_view sha256,
                                   const std::function<void(std::string_view)>& sink) {
  if (!Stat(sha256)) return core::Fail(core::ErrorCode::kNotFound, "No such file.");
  return ReadBytes(std::string(sha256), sink);
}

core::Result<std::string> BlobStore::ReadAll(std::string_view sha256) {
  std::string out;
  auto r = Read(sha256, [&out](std::string_view chunk) { out.append(chunk); });
  if (!r) return std::unexpected(r.error());
  return out;
}

core::Result<BlobInfo> BlobStore::Put(std::string_view bytes, std::string content_type,
                                      std::int64_t size_limit) {
  auto writer = NewWriter(size_limit);
  if (auto w = writer->Write(bytes); !w) return std::unexpected(w.error());
  return writer->Commit(std::move(content_type));
}

std::unique_ptr<BlobStore> MakeFilesystemBlobStore(Database& db, fs::path root) {
  return std::make_unique<FsBlobStore>(db, std::move(root));
}

std::unique_ptr<BlobStore> MakePostgresBlobStore(Database& db) {
  if (db.GetEngine() != Engine::kPostgres) {
    throw std::invalid_argument("the postgres blob backend needs a PostgreSQL database");
  }
  return std::make_unique<PgBlobStore>(db);
}

}  // namespace motcua::db
