#include "notify/routes.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <ctime>
#include <map>

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "notify/sender.hpp"
#include "notify/store.hpp"
#include "notify/templates.hpp"

namespace motcua::notify {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Method;
using http::Request;
using http::Response;

constexpr std::array<std::string_view, 3> kTemplateChannels = {"email", "sms", "in_app"};
constexpr std::array<std::string_view, 2> kLanguages = {"vi", "en"};

// `2026-12-04T03:00:00.000Z` → `2026-12-04T10:00:00+07:00` (DESIGN.md §6: instants with offset).
json::value Local(const std::optional<std::string>& utc) {
  if (!utc || utc->size() < 19) return nullptr;
  std::tm tm{};
  if (strptime(utc->substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return json::value(*utc);
  std::time_t t = timegm(&tm) + 7 * 3600;
  std::tm local{};
  gmtime_r(&t, &local);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+07:00", &local);
  return json::value(buf);
}

std::size_t Limit(const Request& req) {
  std::size_t n = 20;
  if (auto v = req.Query("limit"); v && !v->empty()) {
    std::from_chars(v->data(), v->data() + v->size(), n);
  }
  return std::clamp<std::size_t>(n, 1, 100);
}

Response Bad(const Request& req, std::string vi_en, std::vector<core::FieldError> fields = {}) {
  return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, std::move(vi_en), std::move(fields)});
}

Response NotFound(const Request& req) {
  return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có thông báo này. / No such notification."});
}

std::map<std::string, Template> Overrides(db::Connection& c, std::string_view channel) {
  std::map<std::string, Template> out;
  auto r = c.Execute(store::kAllTemplates, {});
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (r.Text(i, 1) == channel) out[r.Text(i, 0) + "\n" + r.Text(i, 2)] = Template{r.Text(i, 3), r.Text(i, 4)};
  }
  return out;
}

// ---- in-app ----

json::object InboxItem(const db::ResultSet& r, std::size_t i, const std::map<std::string, Template>& overrides,
                       const std::string& language) {
  std::string event = r.Text(i, store::kEvent);
  auto values = TemplateValues(event, r.Text(i, store::kPayload), "");
  std::optional<Template> t;
  if (auto it = overrides.find(event + "\n" + language); it != overrides.end()) t = it->second;
  else t = DefaultTemplate(event, Channel::kInApp, language);
  std::string title = event, body;
  if (t) {
    // A template that cannot be rendered shows the event's name rather than hiding the notice.
    if (auto s = Render(t->subject, values)) title = *s;
    if (auto b = Render(t->body, values)) body = *b;
  }
  std::string code = values.contains("code") ? values["code"] : "";
  return json::object{{"id", r.Text(i, store::kId)},
                      {"event", event},
                      {"title", title},
                      {"body", body},
                      {"dossier_code", code.empty() ? json::value(nullptr) : json::value(code)},
                      {"created_at", Local(r.OptText(i, store::kCreatedAt))},
                      {"read", !r.IsNull(i, store::kReadAt)},
                      {"read_at", Local(r.OptText(i, store::kReadAt))}};
}

// GET /api/v1/me/notifications?cursor=&limit=&unread=true
awaitable<Response> ListMine(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string cursor(req.Query("cursor").value_or(""));
  bool unread_only = req.Query("unread").value_or("") == "true";
  std::size_t limit = Limit(req);
  std::string language = req.language == http::Language::kEn ? "en" : "vi";
  std::string account = who->account_id, agency = who->agency_id.empty() ? std::string("-") : who->agency_id;
  json::object body = co_await http::Offload(d.workers, [&]() {
    auto c = d.db.Acquire();
    auto overrides = Overrides(*c, "in_app");
    auto r = c->Execute(store::kInbox, {account, agency, cursor, std::int64_t{unread_only ? 1 : 0},
                                        static_cast<std::int64_t>(limit + 1)});
    json::array items;
    for (std::size_t i = 0; i < r.rows.size() && i < limit; ++i) items.push_back(InboxItem(r, i, overrides, language));
    json::value next = nullptr;
    if (r.rows.size() > limit) next = json::value(r.Text(limit - 1, store::kId));
    auto total = c->Execute(store::kInboxCount, {account, agency}).Int(0, 0);
    auto unread = c->Execute(store::kInboxUnread, {account, agency}).Int(0, 0);
    return json::object{{"items", std::move(items)}, {"next_cursor", next}, {"total", total}, {"unread", unread}};
  });
  co_return http::JsonResponse(200, body);
}

// POST /api/v1/me/notifications/{id}/read
awaitable<Response> MarkRead(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string id(req.PathParam("id"));
  std::string account = who->account_id, agency = who->agency_id.empty() ? std::string("-") : who->agency_id;
  std::int64_t unread = co_await http::Offload(d.workers, [&]() -> std::int64_t {
    auto c = d.db.Acquire();
    if (c->Execute(store::kMarkRead, {account, agency, id, core::NowUtc()}).affected != 1) return -1;
    return c->Execute(store::kInboxUnread, {account, agency}).Int(0, 0);
  });
  if (unread < 0) co_return NotFound(req);
  co_return http::JsonResponse(200, json::object{{"unread", unread}});
}

// POST /api/v1/me/notifications/read-all
awaitable<Response> MarkAllRead(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string account = who->account_id, agency = who->agency_id.empty() ? std::string("-") : who->agency_id;
  co_await http::Offload(d.workers, [&]() {
    auto c = d.db.Acquire();
    c->Execute(store::kMarkAllRead, {account, agency, core::NowUtc()});
  });
  co_return http::JsonResponse(200, json::object{{"unread", 0}});
}

// ---- administration ----

awaitable<core::Result<identity::Principal>> Sysadmin(Deps& d, const Request& req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return std::unexpected(who.error());
  if (!who->HasRole(identity::Role::kSysadmin)) {
    co_return core::Fail(ErrorCode::kForbidden,
                         "Chỉ quản trị hệ thống xem và sửa việc gửi thông báo. / Only system administrators see and "
                         "change notification delivery.");
  }
  co_return std::move(*who);
}

json::object AdminItem(const db::ResultSet& r, std::size_t i) {
  return json::object{{"id", r.Text(i, store::kId)},
                      {"event", r.Text(i, store::kEvent)},
                      {"channel", r.Text(i, store::kChannel)},
                      {"recipient", r.Text(i, store::kRecipient)},
                      {"account_id", r.Text(i, store::kAccountId)},
                      {"language", r.Text(i, store::kLanguage)},
                      {"status", r.Text(i, store::kStatus)},
                      {"attempts", r.Int(i, store::kAttemptsCol)},
                      {"created_at", Local(r.OptText(i, store::kCreatedAt))},
                      {"sent_at", Local(r.OptText(i, store::kSentAt))},
                      {"next_attempt_at", Local(r.OptText(i, store::kNextAttemptAt))},
                      {"last_error", r.Text(i, store::kLastError)}};
}

// GET /api/v1/admin/notifications?status=&channel=&recipient=&event=&cursor=&limit=
awaitable<Response> AdminList(Deps& d, Request req) {
  auto who = co_await Sysadmin(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string status(req.Query("status").value_or("")), channel(req.Query("channel").value_or(""));
  std::string recipient(req.Query("recipient").value_or("")), event(req.Query("event").value_or(""));
  std::string cursor(req.Query("cursor").value_or(""));
  std::vector<core::FieldError> errors;
  if (!status.empty() && status != "pending" && status != "sent" && status != "failed" && status != "dead") {
    errors.push_back({"status", "pending | sent | failed | dead"});
  }
  if (!channel.empty() && !ParseChannel(channel)) errors.push_back({"channel", "email | sms | in_app | log"});
  if (recipient.size() > 320) errors.push_back({"recipient", "Tối đa 320 byte. / 320 bytes at most."});
  if (!errors.empty()) co_return Bad(req, "Tham số chưa hợp lệ. / Invalid parameters.", std::move(errors));
  std::size_t limit = Limit(req);
  json::object body = co_await http::Offload(d.workers, [&]() {
    auto c = d.db.Acquire();
    auto r = c->Execute(store::kAdminList, {status, channel, recipient, event, cursor, static_cast<std::int64_t>(limit + 1)});
    json::array items;
    for (std::size_t i = 0; i < r.rows.size() && i < limit; ++i) items.push_back(AdminItem(r, i));
    json::value next = nullptr;
    if (r.rows.size() > limit) next = json::value(r.Text(limit - 1, store::kId));
    auto total = c->Execute(store::kAdminCount, {status, channel, recipient, event}).Int(0, 0);
    return json::object{{"items", std::move(items)}, {"next_cursor", next}, {"total", total}};
  });
  co_return http::JsonResponse(200, body);
}

std::optional<json::object> Detail(db::Connection& c, const std::string& id) {
  auto r = c.Execute(store::kFindMessage, {id});
  if (r.Empty()) return std::nullopt;
  json::object item = AdminItem(r, 0);
  boost::system::error_code ec;
  json::value payload = json::parse(r.Text(0, store::kPayload), ec);
  item["payload"] = ec ? json::value(nullptr) : payload;
  json::array attempts;
  auto a = c.Execute(store::kAttempts, {id});
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    attempts.push_back(json::object{{"at", Local(a.OptText(i, 0))}, {"outcome", a.Text(i, 1)}, {"detail", a.Text(i, 2)}});
  }
  item["attempt_log"] = std::move(attempts);
  return item;
}

// GET /api/v1/admin/notifications/{id} — the message with every attempt.
awaitable<Response> AdminGet(Deps& d, Request req) {
  auto who = co_await Sysadmin(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string id(req.PathParam("id"));
  auto item = co_await http::Offload(d.workers, [&]() {
    auto c = d.db.Acquire();
    return Detail(*c, id);
  });
  if (!item) co_return NotFound(req);
  co_return http::JsonResponse(200, *item);
}

// POST /api/v1/admin/notifications/{id}/retry — a failed or dead message is tried again.
awaitable<Response> AdminRetry(Deps& d, Request req) {
  auto who = co_await Sysadmin(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string id(req.PathParam("id"));
  std::string login = who->login;
  std::optional<json::object> item;
  bool requeued = co_await http::Offload(d.workers, [&]() {
    auto c = d.db.Acquire();
    db::Transaction tx(*c);
    bool ok = c->Execute(store::kRequeue, {id}).affected == 1;
    if (ok) {
      c->Execute(store::kInsertAttempt, {core::Uuid::NewV7().ToString(), id, core::NowUtc(), std::string("requeued"),
                                         "Quản trị viên " + login + " cho gửi lại. / Requeued by " + login + "."});
    }
    tx.Commit();
    item = Detail(*c, id);
    return ok;
  });
  if (!item) co_return NotFound(req);
  if (!requeued) {
    co_return http::ProblemResponse(req, {ErrorCode::kConflict,
                                          "Chỉ gửi lại được tin lỗi hoặc đã hết lượt thử. / Only failed or dead "
                                          "messages can be retried."});
  }
  co_return http::JsonResponse(200, *item);
}

json::object EventSummary(const EventInfo& e) {
  json::array fields;
  for (auto f : e.fields) fields.push_back(json::value(f));
  return json::object{{"event", e.event}, {"description", e.description}, {"fields", std::move(fields)}};
}

// GET /api/v1/admin/notification-templates
awaitable<Response> ListTemplates(Deps& d, Request req) {
  auto who = co_await Sysadmin(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  json::array items;
  for (const auto& e : Events()) items.push_back(EventSummary(e));
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}});
}

json::object TemplatesJson(db::Connection& c, const EventInfo& e) {
  std::map<std::string, std::pair<Template, std::string>> saved;  // channel\nlang → (template, updated_by)
  auto r = c.Execute(store::kTemplatesFor, {std::string(e.event)});
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    saved[r.Text(i, 0) + "\n" + r.Text(i, 1)] = {Template{r.Text(i, 2), r.Text(i, 3)}, r.Text(i, 5)};
  }
  json::object templates;
  for (auto channel : kTemplateChannels) {
    json::object per;
    for (auto lang : kLanguages) {
      auto it = saved.find(std::string(channel) + "\n" + std::string(lang));
      Template t = it != saved.end() ? it->second.first : *DefaultTemplate(e.event, *ParseChannel(channel), lang);
      json::object o{{"body", t.body}, {"customized", it != saved.end()}};
      if (channel != "sms") o["subject"] = t.subject;
      if (it != saved.end()) o["updated_by"] = it->second.second;
      per[lang] = std::move(o);
    }
    templates[channel] = std::move(per);
  }
  json::object out = EventSummary(e);
  out["templates"] = std::move(templates);
  return out;
}

// GET /api/v1/admin/notification-templates/{event}
awaitable<Response> GetTemplates(Deps& d, Request req) {
  auto who = co_await Sysadmin(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  const EventInfo* e = FindEvent(req.PathParam("event"));
  if (e == nullptr) {
    co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có sự kiện này. / No such event."});
  }
  json::object body = co_await http::Offload(d.workers, [&]() {
    auto c = d.db.Acquire();
    return TemplatesJson(*c, *e);
  });
  co_return http::JsonResponse(200, body);
}

// PUT /api/v1/admin/notification-templates/{event} {templates: {email: {vi: {subject, body}|null, en: …}, sms: …, in_app: …}}
// Only the templates given change; `null` goes back to the shipped text. Every placeholder must
// be one of the event's fields, or nothing is saved.
awaitable<Response> PutTemplates(Deps& d, Request req) {
  auto who = co_await Sysadmin(d, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  const EventInfo* e = FindEvent(req.PathParam("event"));
  if (e == nullptr) {
    co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "Không có sự kiện này. / No such event."});
  }
  auto parsed = http::ParseJsonBody(req);
  if (!parsed) co_return http::ProblemResponse(req, parsed.error());
  const json::object* root = parsed->if_object();
  const json::value* tv = root != nullptr ? root->if_contains("templates") : nullptr;
  if (tv == nullptr || !tv->is_object()) {
    co_return Bad(req, "Cần {\"templates\": {…}}. / {\"templates\": {…}} is needed.",
                  {{"/templates", "Bắt buộc, là một đối tượng. / Required, an object."}});
  }
  struct Change {
    std::string channel, language;
    std::optional<Template> t;  // nullopt: back to the shipped text
  };
  std::vector<Change> changes;
  std::vector<core::FieldError> errors;
  for (const auto& [ck, cv] : tv->as_object()) {
    std::string channel(ck), at = "/templates/" + channel;
    if (channel != "email" && channel != "sms" && channel != "in_app") {
      errors.push_back({at, "email | sms | in_app"});
      continue;
    }
    if (!cv.is_object()) {
      errors.push_back({at, "Phải là đối tượng {vi, en}. / Must be an object {vi, en}."});
      continue;
    }
    for (const auto& [lk, lv] : cv.as_object()) {
      std::string lang(lk), where = at + "/" + lang;
      if (lang != "vi" && lang != "en") {
        errors.push_back({where, "vi | en"});
        continue;
      }
      if (lv.is_null()) {
        changes.push_back({channel, lang, std::nullopt});
        continue;
      }
      if (!lv.is_object()) {
        errors.push_back({where, "Phải là đối tượng {subject, body}. / Must be an object {subject, body}."});
        continue;
      }
      Template t;
      auto text = [&](std::string_view key, bool required, std::size_t max) {
        const json::value* v = lv.as_object().if_contains(key);
        std::string field = where + "/" + std::string(key);
        if (v == nullptr || v->is_null() || (v->is_string() && v->as_string().empty())) {
          if (required) errors.push_back({field, "Bắt buộc nhập. / Required."});
          return std::string();
        }
        if (!v->is_string()) {
          errors.push_back({field, "Phải là chuỗi ký tự. / Must be a string."});
          return std::string();
        }
        std::string s(v->as_string());
        if (s.size() > max) {
          errors.push_back({field, "Tối đa " + std::to_string(max) + " byte. / " + std::to_string(max) + " bytes at most."});
          return s;
        }
        if (auto ok = Validate(s, e->fields); !ok) errors.push_back({field, ok.error().message});
        return s;
      };
      t.subject = channel == "sms" ? std::string() : text("subject", true, 300);
      t.body = text("body", true, channel == "sms" ? 640 : 20000);
      changes.push_back({channel, lang, t});
    }
  }
  if (!errors.empty()) co_return Bad(req, "Mẫu tin chưa hợp lệ. / The templates are not valid.", std::move(errors));
  std::string login = who->login, event(e->event);
  json::object body = co_await http::Offload(d.workers, [&]() {
    auto c = d.db.Acquire();
    db::Transaction tx(*c);
    std::string now = core::NowUtc();
    for (const auto& ch : changes) {
      if (ch.t) {
        c->Execute(store::kUpsertTemplate, {event, ch.channel, ch.language, ch.t->subject, ch.t->body, now, login});
      } else {
        c->Execute(store::kDeleteTemplate, {event, ch.channel, ch.language});
      }
    }
    tx.Commit();
    return TemplatesJson(*c, *e);
  });
  co_return http::JsonResponse(200, body);
}

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  auto bind = [&deps](auto handler) { return std::bind_front(handler, std::ref(deps)); };
  router.Add(Method::kGet, "/api/v1/me/notifications", bind(&ListMine));
  router.Add(Method::kPost, "/api/v1/me/notifications/read-all", bind(&MarkAllRead), {.body_limit = 1024});
  router.Add(Method::kPost, "/api/v1/me/notifications/{id}/read", bind(&MarkRead), {.body_limit = 1024});
  router.Add(Method::kGet, "/api/v1/admin/notifications", bind(&AdminList));
  router.Add(Method::kGet, "/api/v1/admin/notifications/{id}", bind(&AdminGet));
  router.Add(Method::kPost, "/api/v1/admin/notifications/{id}/retry", bind(&AdminRetry), {.body_limit = 1024});
  router.Add(Method::kGet, "/api/v1/admin/notification-templates", bind(&ListTemplates));
  router.Add(Method::kGet, "/api/v1/admin/notification-templates/{event}", bind(&GetTemplates));
  router.Add(Method::kPut, "/api/v1/admin/notification-templates/{event}", bind(&PutTemplates), {.body_limit = 64u << 10});
}

}  // namespace motcua::notify
