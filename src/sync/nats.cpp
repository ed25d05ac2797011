#include "sync/nats.hpp"

#include <nats/nats.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace motcua::sync {

namespace {

std::string StatusText(natsStatus s) {
  std::string out = natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  if (const char* detail = nats_GetLastError(&last); detail != nullptr && *detail != '\0') out += std::string(": ") + detail;
  return out;
}

// How old a stream must be before a consumer is added to it (see EnsureStream): its creation
// takes milliseconds.
constexpr std::chrono::seconds kSettle{1};

core::Error Unavailable(std::string what) { return core::Error{core::ErrorCode::kUnavailable, std::move(what), {}}; }

natsMsg* M(void* p) { return static_cast<natsMsg*>(p); }

// Acknowledgements of one Publish call, filled on the library's thread.
struct AckBook {
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<std::string, std::size_t> index;  // Nats-Msg-Id → position
  std::vector<char> stored;
  std::size_t outstanding = 0;
};

void OnAck(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto* book = static_cast<AckBook*>(closure);
  const char* id = nullptr;
  natsMsgHeader_Get(msg, "Nats-Msg-Id", &id);
  {
    std::lock_guard lock(book->mu);
    if (id != nullptr) {
      if (auto it = book->index.find(id); it != book->index.end()) {
        if (pa != nullptr && pae == nullptr) book->stored[it->second] = 1;
        book->index.erase(it);
        if (book->outstanding > 0) --book->outstanding;
      }
    }
  }
  book->cv.notify_all();
  natsMsg_Destroy(msg);
}

class Consumer : public PullConsumer {
 public:
  Consumer(jsCtx* js, natsSubscription* sub, std::string stream, std::string durable)
      : js_(js), sub_(sub), stream_(std::move(stream)), durable_(std::move(durable)) {}
  ~Consumer() override {
    // CPP_STACK.md §2.3: destroy a subscription only after its drain completes.
    if (natsSubscription_Drain(sub_) == NATS_OK) natsSubscription_WaitForDrainCompletion(sub_, 2000);
    natsSubscription_Destroy(sub_);
  }

  std::vector<InMessage> Fetch(int batch, std::chrono::milliseconds wait) override {
    std::vector<InMessage> out;
    auto deadline = std::chrono::steady_clock::now() + wait;
    // libnats 3.4.1 can answer NATS_TIMEOUT at once (nats.c #631): keep our own deadline.
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return out;
      natsMsgList list{nullptr, 0};
      jsErrCode jerr = static_cast<jsErrCode>(0);
      natsStatus s = natsSubscription_Fetch(&list, sub_, batch, std::max<std::int64_t>(left.count(), 10), &jerr);
      if (s == NATS_OK) {
        out.reserve(static_cast<std::size_t>(list.Count));
        for (int i = 0; i < list.Count; ++i) {
          out.emplace_back(list.Msgs[i]);
          list.Msgs[i] = nullptr;
        }
        natsMsgList_Destroy(&list);
        return out;
      }
      natsMsgList_Destroy(&list);
      if (s == NATS_CONNECTION_CLOSED || s == NATS_INVALID_SUBSCRIPTION) throw std::runtime_error("nats fetch: " + StatusText(s));
      // A timeout, or the connection is reconnecting: wait a little and try until the deadline.
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(left, std::chrono::milliseconds(s == NATS_TIMEOUT ? 5 : 100)));
    }
  }

  core::Result<ConsumerState> State() override {
    jsConsumerInfo* ci = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_GetConsumerInfo(&ci, js_, stream_.c_str(), durable_.c_str(), nullptr, &jerr);
    if (s != NATS_OK) return std::unexpected(Unavailable("consumer info: " + StatusText(s)));
    ConsumerState st{ci->NumPending, ci->NumAckPending, ci->NumRedelivered, ci->AckFloor.Consumer};
    jsConsumerInfo_Destroy(ci);
    return st;
  }

 private:
  jsCtx* js_;
  natsSubscription* sub_;
  std::string stream_, durable_;
};

class Client : public Nats {
 public:
  Client(natsConnection* nc, jsCtx* js, std::unique_ptr<AckBook> book) : nc_(nc), js_(js), book_(std::move(book)) {}
  ~Client() override {
    jsCtx_Destroy(js_);
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }

  bool Connected() const override { return natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED; }

  core::Result<void> EnsureStream(const StreamOptions& o) override {
    std::vector<const char*> subjects;
    for (const auto& s : o.subjects) subjects.push_back(s.c_str());
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = o.name.c_str();
    cfg.Subjects = subjects.data();
    cfg.SubjectsLen = static_cast<int>(subjects.size());
    cfg.Storage = o.memory ? js_MemoryStorage : js_FileStorage;
    cfg.Replicas = o.replicas;
    cfg.Duplicates = std::chrono::duration_cast<std::chrono::nanoseconds>(o.duplicate_window).count();
    cfg.MaxAge = std::chrono::duration_cast<std::chrono::nanoseconds>(o.max_age).count();
    // A stream one caller is still creating is reported to a second caller as made, and a
    // consumer added to it before its creation ends never delivers a message (nats-server
    // 2.9: the consumer keeps the stream's send queue as it was, unset, and drops into it
    // every delivery, redelivery and status reply). Callers in this process therefore create
    // the stream one at a time — the relay and each of the portal's consumer threads do it
    // as they start — and a stream made moments ago, perhaps by another process, is given
    // time to finish before anyone goes on to add a consumer.
    static std::mutex creating;
    std::lock_guard one(creating);
    jsStreamInfo* si = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(&si, js_, &cfg, nullptr, &jerr);
    if (s != NATS_OK && jerr == JSStreamNameExistErr) {
      s = js_UpdateStream(&si, js_, &cfg, nullptr, &jerr);
    }
    std::int64_t created_ns = si != nullptr ? si->Created : 0;
    if (si != nullptr) jsStreamInfo_Destroy(si);
    if (s != NATS_OK) return std::unexpected(Unavailable("stream " + o.name + ": " + StatusText(s)));
    // A stream with no creation time yet is one whose creation has just begun.
    auto age = created_ns > 0 ? std::chrono::system_clock::now().time_since_epoch() - std::chrono::nanoseconds(created_ns)
                              : std::chrono::nanoseconds(0);
    if (age < kSettle) std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(kSettle - age, kSettle));
    return {};
  }

  std::vector<bool> Publish(std::span<const OutMessage> messages, std::chrono::milliseconds wait) override {
    std::lock_guard one(publish_mu_);  // one batch at a time shares the ack book
    {
      std::lock_guard lock(book_->mu);
      book_->index.clear();
      book_->stored.assign(messages.size(), 0);
      book_->outstanding = 0;
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = wait.count();
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const auto& m = messages[i];
      natsMsg* msg = nullptr;
      if (natsMsg_Create(&msg, m.subject.c_str(), nullptr, m.data.data(), static_cast<int>(m.data.size())) != NATS_OK) break;
      natsMsgHeader_Set(msg, "Nats-Msg-Id", m.msg_id.c_str());
      {
        std::lock_guard lock(book_->mu);
        book_->index[m.msg_id] = i;
        ++book_->outstanding;
      }
      po.MsgId = m.msg_id.c_str();
      // Blocks (up to StallWait) while max_in_flight messages await their acknowledgement:
      // the back-pressure of the relay.
      natsStatus s = js_PublishMsgAsync(js_, &msg, &po);
      natsMsg_Destroy(msg);  // no effect when the library took it
      if (s != NATS_OK) {
        std::lock_guard lock(book_->mu);
        if (book_->index.erase(m.msg_id) > 0 && book_->outstanding > 0) --book_->outstanding;
        break;
      }
    }
    jsPubOptions done;
    jsPubOptions_Init(&done);
    done.MaxWait = wait.count();
    if (js_PublishAsyncComplete(js_, &done) != NATS_OK) {
      // Not acknowledged in time: take them back (not stored as far as we know; a later
      // retry with the same Nats-Msg-Id is deduplicated if they were).
      natsMsgList pending{nullptr, 0};
      if (js_PublishAsyncGetPendingList(&pending, js_) == NATS_OK) natsMsgList_Destroy(&pending);
    }
    std::vector<bool> out(messages.size());
    std::lock_guard lock(book_->mu);
    for (std::size_t i = 0; i < messages.size(); ++i) out[i] = book_->stored[i] != 0;
    book_->index.clear();
    return out;
  }

  core::Result<std::uint64_t> LastSeq(const std::string& stream, const std::string& subject) override {
    natsMsg* msg = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_GetLastMsg(&msg, js_, stream.c_str(), subject.c_str(), nullptr, &jerr);
    if (s == NATS_NOT_FOUND || jerr == JSNoMessageFoundErr) {
      if (msg != nullptr) natsMsg_Destroy(msg);
      return std::uint64_t{0};
    }
    if (s != NATS_OK) return std::unexpected(Unavailable("last message of " + subject + ": " + StatusText(s)));
    std::uint64_t seq = natsMsg_GetSequence(msg);
    natsMsg_Destroy(msg);
    return seq;
  }

  core::Result<std::unique_ptr<PullConsumer>> Pull(const std::string& stream, const std::string& durable, const std::string& filter,
                                                   std::int64_t max_ack_pending, std::chrono::seconds ack_wait) override {
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = durable.c_str();
    cc.AckPolicy = js_AckExplicit;
    cc.DeliverPolicy = js_DeliverAll;
    cc.FilterSubject = filter.c_str();
    cc.MaxAckPending = max_ack_pending;
    cc.AckWait = std::chrono::duration_cast<std::chrono::nanoseconds>(ack_wait).count();
    cc.MaxRequestBatch = 10000;
    jsConsumerInfo* ci = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_AddConsumer(&ci, js_, stream.c_str(), &cc, nullptr, &jerr);
    if (ci != nullptr) jsConsumerInfo_Destroy(ci);
    if (s != NATS_OK && jerr != JSConsumerNameExistErr) {
      return std::unexpected(Unavailable("consumer " + durable + ": " + StatusText(s)));
    }
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream.c_str();
    so.Consumer = durable.c_str();
    natsSubscription* sub = nullptr;
    s = js_PullSubscribe(&sub, js_, filter.c_str(), durable.c_str(), nullptr, &so, &jerr);
    if (s != NATS_OK) return std::unexpected(Unavailable("pull subscribe " + durable + ": " + StatusText(s)));
    return std::make_unique<Consumer>(js_, sub, stream, durable);
  }

 private:
  natsConnection* nc_;
  jsCtx* js_;
  std::unique_ptr<AckBook> book_;
  std::mutex publish_mu_;
};

}  // namespace

InMessage::~InMessage() {
  if (msg_ != nullptr) natsMsg_Destroy(M(msg_));
}
std::string_view InMessage::Subject() const { return natsMsg_GetSubject(M(msg_)); }
std::string_view InMessage::Data() const {
  return {natsMsg_GetData(M(msg_)), static_cast<std::size_t>(natsMsg_GetDataLength(M(msg_)))};
}
std::string InMessage::MsgId() const {
  const char* v = nullptr;
  if (natsMsgHeader_Get(M(msg_), "Nats-Msg-Id", &v) != NATS_OK || v == nullptr) return {};
  return v;
}
std::uint64_t InMessage::StreamSeq() const {
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, M(msg_)) != NATS_OK) return 0;
  std::uint64_t n = meta->Sequence.Stream;
  jsMsgMetaData_Destroy(meta);
  return n;
}
std::uint64_t InMessage::Delivered() const {
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, M(msg_)) != NATS_OK) return 1;
  std::uint64_t n = meta->NumDelivered;
  jsMsgMetaData_Destroy(meta);
  return n;
}
void InMessage::Ack() { natsMsg_Ack(M(msg_), nullptr); }
void InMessage::Term() { natsMsg_Term(M(msg_), nullptr); }
void InMessage::Nak(std::chrono::milliseconds delay) { natsMsg_NakWithDelay(M(msg_), delay.count(), nullptr); }
void InMessage::InProgress() { natsMsg_InProgress(M(msg_), nullptr); }

core::Result<std::unique_ptr<Nats>> Nats::Connect(const NatsOptions& o) {
  if (o.servers.empty()) return std::unexpected(Unavailable("no NATS server configured"));
  natsOptions* opts = nullptr;
  if (natsOptions_Create(&opts) != NATS_OK) return std::unexpected(Unavailable("nats options"));
  std::vector<const char*> servers;
  for (const auto& s : o.servers) servers.push_back(s.c_str());
  natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  natsOptions_SetName(opts, o.name.c_str());
  if (!o.creds.empty()) {
    if (natsOptions_SetUserCredentialsFromFiles(opts, o.creds.c_str(), nullptr) != NATS_OK) {
      natsOptions_Destroy(opts);
      return std::unexpected(Unavailable("nats credentials file " + o.creds));
    }
  } else if (!o.user.empty()) {
    natsOptions_SetUserInfo(opts, o.user.c_str(), o.password.c_str());
  }
  natsOptions_SetTimeout(opts, o.timeout.count());
  natsOptions_SetAllowReconnect(opts, true);
  natsOptions_SetMaxReconnect(opts, -1);  // forever: a member outlives a NATS outage
  natsOptions_SetReconnectWait(opts, 250);
  natsOptions_SetPingInterval(opts, 5000);
  natsConnection* nc = nullptr;
  natsStatus s = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) return std::unexpected(Unavailable("nats connect: " + StatusText(s)));
  auto book = std::make_unique<AckBook>();
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = o.timeout.count();
  jo.PublishAsync.MaxPending = o.max_in_flight;
  jo.PublishAsync.AckHandler = &OnAck;
  jo.PublishAsync.AckHandlerClosure = book.get();
  jo.PublishAsync.StallWait = 5000;
  jsCtx* js = nullptr;
  s = natsConnection_JetStream(&js, nc, &jo);
  if (s != NATS_OK) {
    natsConnection_Destroy(nc);
    return std::unexpected(Unavailable("jetstream: " + StatusText(s)));
  }
  return std::make_unique<Client>(nc, js, std::move(book));
}

}  // namespace motcua::sync
