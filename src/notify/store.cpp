#include "notify/store.hpp"

#define MOTCUA_NOTIFY_COLUMNS                                                                    \
  "id, event, channel, recipient, COALESCE(account_id, ''), language, payload, status, attempts, " \
  "created_at, sent_at, next_attempt_at, last_error, read_at"

namespace motcua::notify::store {

const db::Query kAccountContact{"notify_account_contact",
    "SELECT COALESCE(email, ''), COALESCE(phone, ''), language, full_name FROM accounts WHERE id = $1"};
#define MOTCUA_NOTIFY_INSERT                                                                        \
  "INSERT INTO notification_outbox (id, event, channel, recipient, account_id, language, payload, status, " \
  "created_at, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
const db::Query kInsert{"notify_insert", MOTCUA_NOTIFY_INSERT};
// An account's messages of one event in one statement: in-app plus e-mail and/or SMS.
const db::Query kInsert2{"notify_insert2", MOTCUA_NOTIFY_INSERT ", ($11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"};
const db::Query kInsert3{"notify_insert3", MOTCUA_NOTIFY_INSERT ", ($11, $12, $13, $14, $15, $16, $17, $18, $19, $20), "
                                           "($21, $22, $23, $24, $25, $26, $27, $28, $29, $30)"};
#undef MOTCUA_NOTIFY_INSERT

// Due on one channel: pending, its retry time reached, not leased by a live sender; oldest first.
// One range of the (channel, created_at, id) index of pending messages (migration 0019), so
// the pending messages of a channel that is off are never read, however many wait.
const db::Query kDue{"notify_due_on_channel",
    "SELECT " MOTCUA_NOTIFY_COLUMNS " FROM notification_outbox WHERE status = 'pending' AND channel = $2 "
    "AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND (lease_until IS NULL OR lease_until < $1) "
    "ORDER BY created_at, id LIMIT $3"};
// Per status of the undelivered: how many, and since when the oldest waits (the /metrics gauges).
// Two parts, each served by its partial index (migration 0019).
const db::Query kOutboxStats{"notify_outbox_stats",
    "SELECT status, COUNT(*), MIN(created_at) FROM notification_outbox WHERE status = 'pending' GROUP BY status "
    "UNION ALL SELECT status, COUNT(*), MIN(created_at) FROM notification_outbox WHERE status IN ('dead', 'failed') "
    "GROUP BY status"};
// The claim: of several senders (threads, processes, nodes) exactly one sees affected = 1.
const db::Query kClaim{"notify_claim",
    "UPDATE notification_outbox SET lease_until = $2 WHERE id = $1 AND status = 'pending' "
    "AND (lease_until IS NULL OR lease_until < $3)"};
const db::Query kSentLastHour{"notify_sent_last_hour",
    "SELECT COUNT(*), MIN(sent_at) FROM notification_outbox WHERE recipient = $1 AND channel = $2 "
    "AND status = 'sent' AND sent_at > $3"};
const db::Query kMarkSent{"notify_mark_sent",
    "UPDATE notification_outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1, lease_until = NULL, "
    "last_error = '' WHERE id = $1"};
const db::Query kMarkRetry{"notify_mark_retry",
    "UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = $2, lease_until = NULL, "
    "last_error = $3 WHERE id = $1"};
const db::Query kMarkFinal{"notify_mark_final",
    "UPDATE notification_outbox SET status = $2, attempts = attempts + $4, lease_until = NULL, last_error = $3 "
    "WHERE id = $1"};
const db::Query kDefer{"notify_defer",
    "UPDATE notification_outbox SET next_attempt_at = $2, lease_until = NULL, last_error = $3 WHERE id = $1"};
const db::Query kInsertAttempt{"notify_insert_attempt",
    "INSERT INTO notification_attempts (id, message_id, at, outcome, detail) VALUES ($1, $2, $3, $4, $5)"};

const db::Query kAllTemplates{"notify_all_templates",
    "SELECT event, channel, language, subject, body FROM notification_templates"};
const db::Query kTemplatesFor{"notify_templates_for",
    "SELECT channel, language, subject, body, updated_at, updated_by FROM notification_templates WHERE event = $1"};
const db::Query kUpsertTemplate{"notify_upsert_template",
    "INSERT INTO notification_templates (event, channel, language, subject, body, updated_at, updated_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event, channel, language) DO UPDATE SET "
    "subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at, "
    "updated_by = excluded.updated_by"};
const db::Query kDeleteTemplate{"notify_delete_template",
    "DELETE FROM notification_templates WHERE event = $1 AND channel = $2 AND language = $3"};

// In-app: the account's own messages, and (officers) their agency's notices.
const db::Query kInbox{"notify_inbox",
    "SELECT " MOTCUA_NOTIFY_COLUMNS " FROM notification_outbox WHERE channel = 'in_app' "
    "AND (account_id = $1 OR (account_id IS NULL AND recipient = $2)) AND ($3 = '' OR id < $3) "
    "AND ($4 = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT $5"};
const db::Query kInboxCount{"notify_inbox_count",
    "SELECT COUNT(*) FROM notification_outbox WHERE channel = 'in_app' "
    "AND (account_id = $1 OR (account_id IS NULL AND recipient = $2))"};
const db::Query kInboxUnread{"notify_inbox_unread",
    "SELECT COUNT(*) FROM notification_outbox WHERE channel = 'in_app' "
    "AND (account_id = $1 OR (account_id IS NULL AND recipient = $2)) AND read_at IS NULL"};
const db::Query kMarkRead{"notify_mark_read",
    "UPDATE notification_outbox SET read_at = COALESCE(read_at, $4) WHERE id = $3 AND channel = 'in_app' "
    "AND (account_id = $1 OR (account_id IS NULL AND recipient = $2))"};
const db::Query kMarkAllRead{"notify_mark_all_read",
    "UPDATE notification_outbox SET read_at = $3 WHERE channel = 'in_app' AND read_at IS NULL "
    "AND (account_id = $1 OR (account_id IS NULL AND recipient = $2))"};

const db::Query kAdminList{"notify_admin_list",
    "SELECT " MOTCUA_NOTIFY_COLUMNS " FROM notification_outbox WHERE ($1 = '' OR status = $1) "
    "AND ($2 = '' OR channel = $2) AND ($3 = '' OR recipient = $3) AND ($4 = '' OR event = $4) "
    "AND ($5 = '' OR id < $5) ORDER BY id DESC LIMIT $6"};
const db::Query kAdminCount{"notify_admin_count",
    "SELECT COUNT(*) FROM notification_outbox WHERE ($1 = '' OR status = $1) "
    "AND ($2 = '' OR channel = $2) AND ($3 = '' OR recipient = $3) AND ($4 = '' OR event = $4)"};
const db::Query kFindMessage{"notify_find_message",
    "SELECT " MOTCUA_NOTIFY_COLUMNS " FROM notification_outbox WHERE id = $1"};
const db::Query kAttempts{"notify_attempts",
    "SELECT at, outcome, detail FROM notification_attempts WHERE message_id = $1 ORDER BY at, id LIMIT 200"};
const db::Query kRequeue{"notify_requeue",
    "UPDATE notification_outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, lease_until = NULL "
    "WHERE id = $1 AND status IN ('failed', 'dead')"};

}  // namespace motcua::notify::store
