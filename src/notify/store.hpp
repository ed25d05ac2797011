// SQL of the notify module (named queries over notification_outbox, notification_attempts and
// notification_templates).
#pragma once

#include "db/database.hpp"

namespace motcua::notify::store {

extern const db::Query kAccountContact, kInsert, kInsert2, kInsert3, kDue, kOutboxStats, kClaim, kSentLastHour, kMarkSent, kMarkRetry,
    kMarkFinal, kDefer, kInsertAttempt, kAllTemplates, kTemplatesFor, kUpsertTemplate, kDeleteTemplate,
    kInbox, kInboxCount, kInboxUnread, kMarkRead, kMarkAllRead, kAdminList, kAdminCount, kFindMessage,
    kAttempts, kRequeue;

/// Columns of kDue / kFindMessage / kAdminList, in order.
enum MessageColumn { kId, kEvent, kChannel, kRecipient, kAccountId, kLanguage, kPayload, kStatus, kAttemptsCol,
                     kCreatedAt, kSentAt, kNextAttemptAt, kLastError, kReadAt };

}  // namespace motcua::notify::store
