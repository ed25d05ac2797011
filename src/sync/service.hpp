// Status synchronisation between members (provinces, ministries) and the national portal
// (DOMAIN.md §2.6, docs/sync.md). A deployment is a member (its relay publishes its dossier
// events), the portal (it ingests everyone's), both, or neither.
//
// Member: every dossier event gets a sync_outbox row in the event's transaction (a trigger);
// RelayOnce publishes pending rows to JetStream (subject per member, Nats-Msg-Id per row and
// generation) and marks them sent. Portal: Ingest stores a batch of messages in one
// transaction — idempotent by event, and by per-dossier sequence an older record never
// overwrites a newer one. The same records may arrive over HTTP (national format).
//
// Every call blocks (database, NATS): call from the worker pool or a job thread. Thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/auth.hpp"
#include "sync/nats.hpp"
#include "sync/record.hpp"

namespace motcua::sync {

struct Settings {
  std::string member;                          ///< this deployment's member code; empty: not a member
  bool portal = false;                         ///< ingest everyone's events
  std::vector<std::string> nats_servers;       ///< empty: no NATS (HTTP sync API only)
  StreamOptions stream;
  std::string durable = "national-portal";     ///< the portal's durable consumer
  std::size_t relay_batch = 500;               ///< outbox rows per publish round
  std::int64_t max_in_flight = 1024;           ///< unacknowledged publishes at once
  std::chrono::milliseconds publish_wait{5000};
  std::size_t ingest_batch = 1000;             ///< messages per fetch and per transaction
  std::chrono::seconds ack_wait{30};           ///< an unacknowledged message is redelivered after this
  std::chrono::hours keep_sent{24 * 7};        ///< sent outbox rows are deleted after this
  std::function<std::string()> public_url;     ///< this deployment's base URL (file links); may be empty
};

/// What one relay pass did.
struct RelayReport {
  std::size_t published = 0, failed = 0;
  bool leased = true;
};

/// A message to ingest: the member its subject names (or the HTTP client's member) and the
/// bytes. `accepted` is set by Ingest: false for a message refused for good (malformed,
/// forged) — the consumer terminates it; true once stored (or found older or duplicate).
struct Incoming {
  std::string member;
  std::string_view data;
  bool accepted = false;
  std::string reason;
  std::uint64_t stream_seq = 0;  ///< its sequence in the stream (0: not from the stream)
};

/// One of an applicant's dossiers at a member, as "my dossiers" lists it (OthersOf).
struct OtherDossier {
  std::chrono::system_clock::time_point submitted;  ///< NgayNopHoSo (the list's order)
  std::string code;
  boost::json::object item;
};

/// What the portal knows of one member, for /metrics and the admin page.
struct MemberLag {
  std::string code, name;
  std::int64_t events = 0, rejected = 0;
  std::string last_event_at, last_ingest_at;
  std::uint64_t last_stream_seq = 0;  ///< the last stream message of the member the portal took
  std::uint64_t stream_lag = 0;       ///< the stream's last sequence on its subject minus that (0: caught up)
};

class Service {
 public:
  Service(db::Database& db, Settings settings);

  const Settings& settings() const { return settings_; }

  // ---- member ----
  /// Publishes pending outbox rows through `nats` (batches of relay_batch until none is left
  /// or a publish fails) under the relay lease `holder`. Throws db::DbError.
  RelayReport RelayOnce(Nats& nats, const std::string& holder);
  /// Outbox rows not yet published, and the oldest one's instant ("" when none).
  std::pair<std::int64_t, std::string> OutboxDepth();
  /// Queues every event of [from, to) (UTC instants) again under a new generation, so it is
  /// published again even inside the stream's duplicate window. Returns the rows queued.
  std::int64_t Resync(const std::string& from, const std::string& to);
  /// The DongBoHoSoMC record (plus `seq`) of every dossier of this member as its own data
  /// says now: what the national view must converge to (the checker, CompareRecords).
  std::vector<boost::json::object> MemberRecords();
  /// The message the relay publishes for each pending row (tests, the load generator).
  std::vector<OutMessage> PendingMessages(std::size_t limit);

  // ---- portal ----
  /// Stores a batch in one transaction (see Incoming). Throws db::DbError (nothing stored:
  /// the messages are left unacknowledged and come back).
  void Ingest(std::span<Incoming> batch);
  /// The HTTP sync API: `{madonvi, service, data[]}` from `who` (a client with dossier.sync
  /// mapped to a member). Per-record results; kInvalidArgument for a malformed envelope,
  /// kForbidden for a client that is not a member or speaks for another.
  core::Result<boost::json::object> Post(const identity::Principal& who, const boost::json::object& body);
  /// Public tracking of a member's dossier; the details (DongBoHoSoMC record and progress)
  /// when `id_number` is the owner's or `who` is the owner.
  core::Result<boost::json::object> Track(const std::optional<identity::Principal>& who, const std::string& code,
                                          const std::string& id_number);
  /// The signed-in citizen's dossiers at every member (by their personal ID number).
  core::Result<boost::json::object> Mine(const identity::Principal& who, std::size_t offset, std::size_t limit);
  /// "My dossiers" on the portal: the first `n` of `who`'s dossiers at the members (status
  /// 0: any), newest submission first, except those this deployment holds as `who`'s own;
  /// and how many there are. On `c` (the dossier module's listing connection).
  std::pair<std::vector<OtherDossier>, std::int64_t> OthersOf(db::Connection& c, const identity::Principal& who, int status,
                                                              std::size_t n);
  /// National statistics from the roll-up: counts by status per member (`member`), per
  /// procedure (`procedure`) or overall (`status`), of dossiers received in [from, to]
  /// (YYYY-MM-DD, empty: unbounded).
  core::Result<boost::json::object> Stats(const std::string& by, const std::string& from = "", const std::string& to = "");
  /// Members with their lag (sysadmin).
  core::Result<boost::json::object> Members(const identity::Principal& who);
  /// Registers or updates a member, binding an OAuth client to it (sysadmin).
  core::Result<boost::json::object> PutMember(const identity::Principal& who, const std::string& code,
                                              const boost::json::object& body);
  /// Compares the national view of `member` with the member's own dossiers (`truth`: code →
  /// (latest event seq, status)); the differences, empty when equal.
  std::vector<std::string> Compare(const std::string& member,
                                   const std::vector<std::tuple<std::string, std::int64_t, int>>& truth);
  /// The same over whole records (`MaHoSo`, `seq`, `TrangThaiHoSo` and any other national
  /// field, e.g. from MemberRecords): every field must be held as the member has it.
  std::vector<std::string> CompareRecords(const std::string& member, const std::vector<boost::json::object>& truth);

  /// The last member figures read by RefreshLag (memory only: safe on any thread).
  std::vector<MemberLag> Lag() const;
  void RefreshLag();
  /// Asks the stream for each known member's last sequence on its subject and keeps the
  /// distance to what was ingested (the ingest loop calls it; /metrics reads memory only).
  /// Returns false when the stream could not be asked (the previous figures stay).
  bool RefreshStreamLag(Nats& nats);

  db::Database& Db() { return db_; }

 private:
  std::string FileUrl() const;
  db::Database& db_;
  Settings settings_;
  mutable std::mutex lag_mu_;
  std::vector<MemberLag> lag_;
};

/// After this many failed transactions, StoreInHalves takes a failure to be the database's, not
/// one item's.
inline constexpr int kMaxSplitFailures = 32;

/// Calls `store(from, to)`, which stores items [from, to) of a batch in one transaction, for the
/// whole batch (`stored.size()` items) or, when the database refuses it for a reason other than
/// its being unavailable, for each half, down to single items: an item the database refuses (a
/// rule it breaks that the checks before it do not know of) holds back only itself. One such item
/// in 1,000 costs 11 failed transactions. Marks in `stored` what was stored; `refused_alone` gets
/// the error of the first item refused on its own. Throws what the database threw when it is
/// unavailable or busy, or at the kMaxSplitFailures-th failed transaction.
void StoreInHalves(const std::function<void(std::size_t, std::size_t)>& store, std::span<char> stored, std::string& refused_alone);

}  // namespace motcua::sync
