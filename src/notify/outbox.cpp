#include "notify/outbox.hpp"

#include <boost/json.hpp>

#include "core/uuid.hpp"
#include "notify/store.hpp"

namespace motcua::notify {

namespace json = boost::json;

namespace {

void Insert(db::Connection& c, std::string_view event, std::string_view channel, const std::string& recipient,
            db::Value account, const std::string& language, const std::string& payload, const std::string& now) {
  // In-app messages need no delivery: they are "sent" when written.
  bool in_app = channel == "in_app";
  c.Execute(store::kInsert, {core::Uuid::NewV7().ToString(), std::string(event), std::string(channel), recipient,
                             std::move(account), language, payload, std::string(in_app ? "sent" : "pending"), now,
                             in_app ? db::Value(now) : db::Value(nullptr)});
}

}  // namespace

void Enqueue(db::Connection& c, std::string_view event, const std::string& account_id,
             const std::string& payload_json, const std::string& now) {
  auto r = c.Execute(store::kAccountContact, {account_id});
  if (r.Empty()) return;
  std::string email = r.Text(0, 0), phone = r.Text(0, 1), language = r.Text(0, 2);
  std::string payload = payload_json;
  boost::system::error_code ec;
  json::value v = json::parse(payload_json, ec);
  if (!ec && v.is_object() && !v.as_object().contains("full_name")) {
    v.as_object()["full_name"] = r.Text(0, 3);
    payload = json::serialize(v);
  }
  Insert(c, event, "in_app", account_id, account_id, language, payload, now);
  // Malformed addresses are queued anyway: the sender records why they cannot be delivered,
  // where an administrator sees it, and the change that caused the message goes ahead.
  if (!email.empty()) Insert(c, event, "email", email, account_id, language, payload, now);
  if (!phone.empty()) Insert(c, event, "sms", phone, account_id, language, payload, now);
}

void EnqueueToAddress(db::Connection& c, std::string_view event, const std::string& email, const std::string& phone,
                      const std::string& language, const std::string& payload_json, const std::string& now) {
  if (!email.empty()) Insert(c, event, "email", email, nullptr, language, payload_json, now);
  if (!phone.empty()) Insert(c, event, "sms", phone, nullptr, language, payload_json, now);
}

void EnqueueForAgency(db::Connection& c, std::string_view event, const std::string& agency_id,
                      const std::string& payload_json, const std::string& now) {
  Insert(c, event, "in_app", agency_id, nullptr, "vi", payload_json, now);
}

}  // namespace motcua::notify
