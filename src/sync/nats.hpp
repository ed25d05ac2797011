// A small C++ face over libnats (cnats 3.4.1) for the sync stream: one connection with its
// JetStream context, the stream's creation, batched asynchronous publishing with bounded
// in-flight messages, and a durable pull consumer. nats.h stays in nats.cpp.
//
// CPP_STACK.md §2.3 mitigations applied here: connect with a timeout and a server list;
// Fetch is wrapped in our own deadline (3.4.1 may return NATS_TIMEOUT at once); a
// subscription is drained before it is destroyed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace motcua::sync {

struct NatsOptions {
  std::vector<std::string> servers;           ///< nats://host:port, several for a cluster
  std::string name = "motcua";               ///< connection name shown by the server
  std::chrono::milliseconds timeout{2000};    ///< connect and JetStream API calls
  std::int64_t max_in_flight = 1024;          ///< unacknowledged async publishes at once
  std::string user, password;                 ///< NATS user (a member's own, limited to its subject)
  std::string creds;                          ///< or a .creds file (JWT + nkey seed); wins over user
};

struct StreamOptions {
  std::string name = "MOTCUA_SYNC";
  std::vector<std::string> subjects{"motcua.sync.>"};
  int replicas = 1;                                ///< 1 single node, 3 on a cluster
  std::chrono::seconds duplicate_window{7200};     ///< Nats-Msg-Id dedup window
  std::chrono::hours max_age{24 * 30};             ///< how long an unconsumed event is kept
  bool memory = false;                             ///< memory storage (benchmarks only)
};

/// One message to publish: its subject, its Nats-Msg-Id (dedup key) and its bytes.
struct OutMessage {
  std::string subject, msg_id, data;
};

/// One message fetched from a pull consumer; acknowledged (or not) explicitly.
class InMessage {
 public:
  InMessage(void* msg) : msg_(msg) {}  // takes ownership of a natsMsg*
  InMessage(InMessage&& o) noexcept : msg_(o.msg_) { o.msg_ = nullptr; }
  InMessage& operator=(InMessage&&) = delete;
  ~InMessage();
  std::string_view Subject() const;
  std::string_view Data() const;
  std::string MsgId() const;
  /// Its sequence in the stream (0 when unknown).
  std::uint64_t StreamSeq() const;
  /// How many times the server delivered it (1 the first time).
  std::uint64_t Delivered() const;
  /// Acknowledges (asynchronously); the server will not redeliver it.
  void Ack();
  /// Refuses it for good (a malformed or forged message): never redelivered.
  void Term();
  /// Gives it back: the server redelivers it after `delay` instead of after the ack wait.
  void Nak(std::chrono::milliseconds delay);
  /// Still being worked on: the server restarts its ack wait instead of redelivering it.
  void InProgress();

 private:
  void* msg_;
};

/// Pending work of a durable consumer, from the server.
struct ConsumerState {
  std::uint64_t pending = 0;      ///< in the stream, not yet delivered
  std::int64_t ack_pending = 0;   ///< delivered, not yet acknowledged
  std::int64_t redelivered = 0;
  std::uint64_t ack_floor = 0;    ///< consumer sequence up to which every delivery is acknowledged
};

class PullConsumer {
 public:
  virtual ~PullConsumer() = default;
  /// Up to `batch` messages, waiting at most `wait` for the first; empty on timeout.
  /// Throws std::runtime_error when the connection is gone for good.
  virtual std::vector<InMessage> Fetch(int batch, std::chrono::milliseconds wait) = 0;
  virtual core::Result<ConsumerState> State() = 0;
};

class Nats {
 public:
  /// Connects (failing after `timeout` when no server answers); reconnects by itself later.
  static core::Result<std::unique_ptr<Nats>> Connect(const NatsOptions& options);
  virtual ~Nats() = default;
  virtual bool Connected() const = 0;
  /// Creates the stream, or updates its replicas and windows when it exists.
  virtual core::Result<void> EnsureStream(const StreamOptions& options) = 0;
  /// Publishes asynchronously (at most max_in_flight awaiting their acknowledgement) and
  /// waits up to `wait` for the acknowledgements. Returns, per message, whether the stream
  /// stored it (a duplicate Nats-Msg-Id counts as stored). Stops publishing at the first
  /// failure to enqueue; the rest are reported not stored.
  virtual std::vector<bool> Publish(std::span<const OutMessage> messages, std::chrono::milliseconds wait) = 0;
  /// The stream sequence of the last message on `subject` (`$JS.API.STREAM.MSG.GET` with
  /// `last_by_subj`); 0 when the subject has none.
  virtual core::Result<std::uint64_t> LastSeq(const std::string& stream, const std::string& subject) = 0;
  /// A durable pull consumer of `stream` filtered to `filter` (created when missing).
  virtual core::Result<std::unique_ptr<PullConsumer>> Pull(const std::string& stream, const std::string& durable,
                                                           const std::string& filter, std::int64_t max_ack_pending,
                                                           std::chrono::seconds ack_wait) = 0;
};

}  // namespace motcua::sync
