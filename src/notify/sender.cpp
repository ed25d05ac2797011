#include "notify/sender.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <random>
#include <tuple>
#include <variant>
#include <vector>

#include "core/log.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "notify/store.hpp"

namespace motcua::notify {

namespace json = boost::json;
using Clock = std::chrono::system_clock;

struct Sender::Message {
  std::string id, event, channel, recipient, account_id, language, payload;
  std::int64_t attempts = 0;
};

namespace {

std::string Key(std::string_view event, std::string_view channel, std::string_view language) {
  return std::string(event) + "\n" + std::string(channel) + "\n" + std::string(language);
}

std::map<std::string, Template> LoadOverrides(db::Connection& c) {
  std::map<std::string, Template> out;
  auto r = c.Execute(store::kAllTemplates, {});
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    out[Key(r.Text(i, 0), r.Text(i, 1), r.Text(i, 2))] = Template{r.Text(i, 3), r.Text(i, 4)};
  }
  return out;
}

double Jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

std::map<std::string, std::string> TemplateValues(std::string_view event, std::string_view payload_json,
                                                  std::string_view public_url) {
  std::map<std::string, std::string> values;
  if (const EventInfo* info = FindEvent(event)) {
    for (auto f : info->fields) values[std::string(f)] = "";
  }
  boost::system::error_code ec;
  json::value v = json::parse(payload_json, ec);
  if (!ec && v.is_object()) {
    for (const auto& [k, x] : v.as_object()) {
      std::string key(k);
      if (x.is_string()) values[key] = std::string(x.as_string());
      else if (x.is_int64()) values[key] = std::to_string(x.as_int64());
      else if (x.is_uint64()) values[key] = std::to_string(x.as_uint64());
      else if (x.is_bool()) values[key] = x.as_bool() ? "true" : "false";
      else if (!x.is_null()) values[key] = json::serialize(x);
    }
  }
  // Instants given as RFC 3339 in Vietnam's time read as people write them: `17:00 10/12/2026`.
  for (auto& [k, x] : values) {
    if (k.ends_with("_at") && x.size() == 25 && x[10] == 'T' && x.ends_with("+07:00")) {
      x = x.substr(11, 5) + " " + x.substr(8, 2) + "/" + x.substr(5, 2) + "/" + x.substr(0, 4);
    }
  }
  if (event.starts_with("dossier.") && values["link"].empty() && !values["code"].empty()) {
    values["link"] = std::string(public_url) + "/ho-so/" + values["code"];
  }
  if (event.starts_with("feedback.") && values["link"].empty() && !values["code"].empty()) {
    // A petitioner without an account follows the item on the lookup page (`path`).
    const std::string& path = values["path"];
    values["link"] = std::string(public_url) + (path.starts_with("/") ? path : "/phan-anh/" + values["code"]);
  }
  return values;
}

Sender::Sender(db::Database& db, SenderOptions options)
    : db_(db), options_(std::move(options)), stats_reads_(options_.poll) {}

Sender::~Sender() { job_.reset(); }

void Sender::Start() {
  job_ = std::make_unique<core::PeriodicJob>("notification sender", options_.poll, [this] {
    auto report = RunOnce(Clock::now());
    if (report.failed + report.dead + report.retried > 0) {
      core::Log(core::LogLevel::kInfo, "notification sender",
                {{"sent", static_cast<std::int64_t>(report.sent)}, {"retried", static_cast<std::int64_t>(report.retried)},
                 {"failed", static_cast<std::int64_t>(report.failed)}, {"dead", static_cast<std::int64_t>(report.dead)}});
    }
    const bool more = report.Total() >= options_.batch;  // more may be due at once
    // The stats query counts the backlog: see core::CostBoundedRead.
    stats_reads_.ReadIfDue(report.Total() > 0 && !more, [this] {
      auto conn = db_.Acquire();
      auto stats = ReadOutboxStats(*conn, Clock::now());
      pending_ = stats.pending;
      dead_ = stats.dead;
      failed_ = stats.failed;
      oldest_pending_seconds_ = stats.oldest_pending_seconds;
    });
    if (more) return true;
    if (smtp_) smtp_->Close();                           // no idle connection held between passes
    return false;
  }, core::PeriodicJob::Draining{});
}

OutboxStats Sender::Stats() const {
  return {pending_.load(), oldest_pending_seconds_.load(), dead_.load(), failed_.load()};
}

OutboxStats ReadOutboxStats(db::Connection& c, Clock::time_point now) {
  OutboxStats s;
  auto r = c.Execute(store::kOutboxStats, {});
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    std::string status = r.Text(i, 0);
    std::int64_t n = r.Int(i, 1);
    if (status == "pending") {
      s.pending = n;
      if (auto oldest = core::ParseUtc(r.Text(i, 2))) {
        s.oldest_pending_seconds = std::max(0.0, std::chrono::duration<double>(now - *oldest).count());
      }
    } else if (status == "dead") {
      s.dead = n;
    } else if (status == "failed") {
      s.failed = n;
    }
  }
  return s;
}

SendReport Sender::RunOnce(Clock::time_point now) {
  SendReport report;
  auto conn = db_.Acquire();
  std::string now_text = core::FormatUtc(now);
  bool email_on = !options_.smtp.host.empty(), sms_on = !options_.sms.url.empty();
  // Each channel that is on, oldest first, merged: the batch is the oldest due messages of all.
  std::vector<Channel> channels{Channel::kLog};
  if (email_on) channels.push_back(Channel::kEmail);
  if (sms_on) channels.push_back(Channel::kSms);
  db::ResultSet due;
  for (Channel channel : channels) {
    auto part = conn->Execute(store::kDue, {now_text, std::string(ChannelName(channel)), static_cast<std::int64_t>(options_.batch)});
    for (auto& row : part.rows) due.rows.push_back(std::move(row));
  }
  if (due.Empty()) return report;
  auto key = [](const std::vector<db::Value>& row) {
    return std::tie(std::get<std::string>(row[store::kCreatedAt]), std::get<std::string>(row[store::kId]));
  };
  std::sort(due.rows.begin(), due.rows.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  if (due.rows.size() > options_.batch) due.rows.resize(options_.batch);
  auto overrides = LoadOverrides(*conn);
  std::string public_url = options_.public_url ? options_.public_url() : std::string();
  for (std::size_t i = 0; i < due.rows.size(); ++i) {
    Message m{due.Text(i, store::kId),        due.Text(i, store::kEvent),     due.Text(i, store::kChannel),
              due.Text(i, store::kRecipient), due.Text(i, store::kAccountId), due.Text(i, store::kLanguage),
              due.Text(i, store::kPayload),   due.Int(i, store::kAttemptsCol)};
    // Claimed one at a time, just before it is sent, so a lease never runs out while the
    // message waits behind others of the batch.
    auto at = Clock::now() > now ? Clock::now() : now;
    std::string at_text = core::FormatUtc(at);
    if (conn->Execute(store::kClaim, {m.id, core::FormatUtc(at + options_.lease), at_text}).affected != 1) continue;
    if (options_.rate_limit_per_hour > 0 && m.channel != "log") {
      auto r = conn->Execute(store::kSentLastHour, {m.recipient, m.channel, core::FormatUtc(at - std::chrono::hours(1))});
      std::int64_t count = r.Int(0, 0);
      std::chrono::seconds since_oldest{0};
      if (auto oldest = count > 0 ? core::ParseUtc(r.Text(0, 1)) : std::nullopt) {
        since_oldest = std::chrono::duration_cast<std::chrono::seconds>(at - *oldest);
      }
      auto wait = RateLimitWait(count, options_.rate_limit_per_hour, since_oldest);
      if (wait.count() > 0) {
        std::string why = "Giới hạn " + std::to_string(options_.rate_limit_per_hour) +
                          " tin mỗi giờ cho người nhận này; gửi sau. / At most " +
                          std::to_string(options_.rate_limit_per_hour) + " messages an hour to this recipient; sent later.";
        db::Transaction tx(*conn);
        conn->Execute(store::kDefer, {m.id, core::FormatUtc(at + wait), why});
        conn->Execute(store::kInsertAttempt, {core::Uuid::NewV7().ToString(), m.id, at_text, std::string("deferred"), why});
        tx.Commit();
        ++report.deferred;
        continue;
      }
    }
    std::string rendered_to;
    Outcome outcome = Deliver(m, overrides, rendered_to);
    Record(*conn, m, outcome, Clock::now() > now ? Clock::now() : now, report);
  }
  return report;
}

Outcome Sender::Deliver(const Message& m, const std::map<std::string, Template>& overrides, std::string& rendered_to) {
  auto channel = ParseChannel(m.channel);
  if (!channel) return {Outcome::Kind::kPermanent, "unknown channel " + m.channel};
  Channel template_channel = *channel == Channel::kLog ? Channel::kInApp : *channel;
  std::optional<Template> t;
  if (auto it = overrides.find(Key(m.event, ChannelName(template_channel), m.language)); it != overrides.end()) {
    t = it->second;
  } else {
    t = DefaultTemplate(m.event, template_channel, m.language);
  }
  if (!t) {
    return {Outcome::Kind::kPermanent,
            "Không có mẫu tin cho sự kiện " + m.event + ". / No template for the event " + m.event + "."};
  }
  auto values = TemplateValues(m.event, m.payload, options_.public_url ? options_.public_url() : std::string());
  auto subject = Render(t->subject, values);
  if (!subject) return {Outcome::Kind::kPermanent, subject.error().message};
  auto body = Render(t->body, values);
  if (!body) return {Outcome::Kind::kPermanent, body.error().message};
  switch (*channel) {
    case Channel::kEmail: {
      auto address = NormalizeEmail(m.recipient);
      if (!address) {
        return {Outcome::Kind::kPermanent, "Địa chỉ e-mail không hợp lệ: " + m.recipient +
                                               ". / Not a valid e-mail address: " + m.recipient + "."};
      }
      rendered_to = *address;
      if (!smtp_) smtp_ = std::make_unique<SmtpSession>(options_.smtp);
      MailMessage mail;
      mail.id = m.id;
      mail.to = *address;
      mail.subject = *subject;
      mail.body = *body;
      return smtp_->Send(std::move(mail));
    }
    case Channel::kSms: {
      auto phone = NormalizePhone(m.recipient);
      if (!phone) {
        return {Outcome::Kind::kPermanent, "Số điện thoại không hợp lệ: " + m.recipient +
                                               ". / Not a valid mobile number: " + m.recipient + "."};
      }
      rendered_to = *phone;
      return SendSms(options_.sms, m.id, *phone, *body);
    }
    case Channel::kLog:
      core::Log(core::LogLevel::kInfo, "notification",
                {{"id", std::string_view(m.id)}, {"event", std::string_view(m.event)},
                 {"to", std::string_view(m.recipient)}, {"subject", std::string_view(*subject)}});
      return {Outcome::Kind::kSent, "logged"};
    case Channel::kInApp:
      return {Outcome::Kind::kSent, "in-app"};
  }
  return {Outcome::Kind::kPermanent, "unknown channel"};
}

void Sender::Record(db::Connection& c, const Message& m, const Outcome& outcome, Clock::time_point now, SendReport& report) {
  db::Connection* conn = &c;
  std::string now_text = core::FormatUtc(now);
  std::string detail = outcome.detail.substr(0, 2000);
  db::Transaction tx(c);
  std::string logged;
  switch (outcome.kind) {
    case Outcome::Kind::kSent:
      conn->Execute(store::kMarkSent, {m.id, now_text});
      logged = "sent";
      ++report.sent;
      break;
    case Outcome::Kind::kTransient:
      if (m.attempts + 1 >= options_.max_attempts) {
        conn->Execute(store::kMarkFinal, {m.id, std::string("dead"), detail, std::int64_t{1}});
        logged = "dead";
        ++report.dead;
      } else {
        auto next = now + options_.backoff.Delay(static_cast<int>(m.attempts + 1), Jitter());
        conn->Execute(store::kMarkRetry,
                      {m.id, core::FormatUtc(std::chrono::time_point_cast<Clock::duration>(next)), detail});
        logged = "retry";
        ++report.retried;
      }
      break;
    case Outcome::Kind::kPermanent:
      conn->Execute(store::kMarkFinal, {m.id, std::string("failed"), detail, std::int64_t{1}});
      logged = "failed";
      ++report.failed;
      break;
  }
  conn->Execute(store::kInsertAttempt, {core::Uuid::NewV7().ToString(), m.id, now_text, logged, detail});
  tx.Commit();
}

}  // namespace motcua::notify
