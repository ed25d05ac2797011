#include "notify/outbox.hpp"

#include <boost/json.hpp>

#include <vector>

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
  EnqueueTo(c, event, account_id, Contact{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Text(0, 3)}, payload_json, now);
}

void EnqueueTo(db::Connection& c, std::string_view event, const std::string& account_id, const Contact& contact,
               const std::string& payload_json, const std::string& now) {
  std::string payload = payload_json;
  boost::system::error_code ec;
  json::value v = json::parse(payload_json, ec);
  if (!ec && v.is_object() && !v.as_object().contains("full_name")) {
    v.as_object()["full_name"] = contact.full_name;
    payload = json::serialize(v);
  }
  // In-app messages need no delivery: they are "sent" when written. Malformed addresses are
  // queued anyway: the sender records why they cannot be delivered, where an administrator
  // sees it, and the change that caused the message goes ahead.
  std::vector<db::Value> params;
  auto row = [&](std::string_view channel, const std::string& recipient) {
    bool in_app = channel == "in_app";
    for (db::Value x : {db::Value(core::Uuid::NewV7().ToString()), db::Value(std::string(event)), db::Value(std::string(channel)),
                        db::Value(recipient), db::Value(account_id), db::Value(contact.language), db::Value(payload),
                        db::Value(std::string(in_app ? "sent" : "pending")), db::Value(now),
                        in_app ? db::Value(now) : db::Value(nullptr)}) {
      params.push_back(std::move(x));
    }
  };
  row("in_app", account_id);
  if (!contact.email.empty()) row("email", contact.email);
  if (!contact.phone.empty()) row("sms", contact.phone);
  const db::Query& q = params.size() == 30 ? store::kInsert3 : params.size() == 20 ? store::kInsert2 : store::kInsert;
  c.ExecuteLater(q, std::move(params));  // inside a transaction: sent with its next statement or commit
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
