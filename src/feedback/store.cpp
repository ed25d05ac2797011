#include "feedback/store.hpp"

namespace motcua::feedback::store {

#define FB_COLUMNS                                                                                                    \
  "f.id, f.code, f.source, f.account_id, f.entered_by, f.api_key_id, f.full_name, f.email, f.phone, f.address, "     \
  "f.category, f.title, f.content, f.procedure_code, f.dossier_code, f.location, f.lat, f.lon, f.media_url, "       \
  "f.device_id, f.agency_id, f.status, f.classification, f.due_at, f.merged_into, f.answer, f.answered_at, "        \
  "f.public_title, f.public_content, f.public_answer, f.published_at, f.rating, f.rating_comment, f.received_at, "  \
  "f.updated_at, a.code, a.name, a.path, m.code, f.folded, a.name_en"
#define FB_FROM " FROM feedback f JOIN agencies a ON a.id = f.agency_id LEFT JOIN feedback m ON m.id = f.merged_into "
#define FB_OPEN "('received', 'registered', 'classified', 'transferred', 'processing')"
#define FB_CLOSED "('not_accepted', 'answered', 'published')"

const db::Query kNextSequence{"feedback_next_sequence",
    "INSERT INTO feedback_sequences (day, last) VALUES ($1, 1) "
    "ON CONFLICT (day) DO UPDATE SET last = feedback_sequences.last + 1 RETURNING last"};
const db::Query kInsert{"feedback_insert",
    "INSERT INTO feedback (id, code, source, account_id, entered_by, api_key_id, full_name, email, phone, address, category, "
    "title, content, folded, procedure_code, dossier_code, location, lat, lon, media_url, device_id, agency_id, status, due_at, "
    "received_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
    "$20, $21, $22, 'received', $23, $24, $24)"};
const db::Query kByCode{"feedback_by_code", "SELECT " FB_COLUMNS FB_FROM "WHERE f.code = $1"};
const db::Query kLookupHash{"feedback_lookup_hash", "SELECT lookup_key_hash FROM feedback WHERE code = $1"};
const db::Query kSetLookupHash{"feedback_set_lookup_hash", "UPDATE feedback SET lookup_key_hash = $2 WHERE id = $1"};
const db::Query kById{"feedback_by_id", "SELECT " FB_COLUMNS FB_FROM "WHERE f.id = $1"};
// Guarded by the status read: two officers acting at once cannot both move the item.
const db::Query kUpdate{"feedback_update",
    "UPDATE feedback SET status = $2, classification = $3, due_at = $4, agency_id = $5, merged_into = $6, answer = $7, "
    "answered_at = $8, answered_by = $9, public_title = $10, public_content = $11, public_answer = $12, public_folded = $13, "
    "published_at = $14, updated_at = $15, overdue_noticed = $16 WHERE id = $1 AND status = $17"};
const db::Query kRate{"feedback_rate",
    "UPDATE feedback SET rating = $2, rating_comment = $3, rated_at = $4, updated_at = $4 WHERE id = $1"};
const db::Query kInsertEvent{"feedback_insert_event",
    "INSERT INTO feedback_events (id, feedback_id, at, action, status_from, status_to, actor_id, actor_name, agency_id, note, data) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"};
const db::Query kEvents{"feedback_events",
    "SELECT e.at, e.action, e.status_from, e.status_to, e.actor_name, e.note, e.data, COALESCE(a.name, '') "
    "FROM feedback_events e LEFT JOIN agencies a ON a.id = e.agency_id WHERE e.feedback_id = $1 ORDER BY e.id LIMIT 500"};

const db::Query kMine{"feedback_mine",
    "SELECT " FB_COLUMNS FB_FROM "WHERE f.account_id = $1 ORDER BY f.received_at DESC, f.id DESC LIMIT $2 OFFSET $3"};
const db::Query kCountMine{"feedback_count_mine", "SELECT COUNT(*) FROM feedback WHERE account_id = $1"};
const db::Query kInboxAll{"feedback_inbox_all",
    "SELECT " FB_COLUMNS FB_FROM "WHERE a.path LIKE $1 ORDER BY f.received_at DESC, f.id LIMIT $2 OFFSET $3"};
const db::Query kInboxOpen{"feedback_inbox_open",
    "SELECT " FB_COLUMNS FB_FROM "WHERE a.path LIKE $1 AND f.status IN " FB_OPEN " ORDER BY f.due_at, f.id LIMIT $2 OFFSET $3"};
const db::Query kInboxAtRisk{"feedback_inbox_at_risk",
    "SELECT " FB_COLUMNS FB_FROM "WHERE a.path LIKE $1 AND f.status IN " FB_OPEN " AND f.due_at > $2 AND f.due_at <= $3 "
    "ORDER BY f.due_at, f.id LIMIT $4 OFFSET $5"};
const db::Query kInboxOverdue{"feedback_inbox_overdue",
    "SELECT " FB_COLUMNS FB_FROM "WHERE a.path LIKE $1 AND f.status IN " FB_OPEN " AND f.due_at <= $2 "
    "ORDER BY f.due_at, f.id LIMIT $3 OFFSET $4"};
const db::Query kInboxClosed{"feedback_inbox_closed",
    "SELECT " FB_COLUMNS FB_FROM "WHERE a.path LIKE $1 AND f.status IN " FB_CLOSED " ORDER BY f.updated_at DESC, f.id LIMIT $2 OFFSET $3"};
const db::Query kCountInbox{"feedback_count_inbox",
    "SELECT COUNT(*), "
    "COALESCE(SUM(CASE WHEN f.status IN " FB_OPEN " THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN f.status IN " FB_OPEN " AND f.due_at > $2 AND f.due_at <= $3 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN f.status IN " FB_OPEN " AND f.due_at <= $2 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN f.status IN " FB_CLOSED " THEN 1 ELSE 0 END), 0) "
    "FROM feedback f JOIN agencies a ON a.id = f.agency_id WHERE a.path LIKE $1"};

const db::Query kSimilarCandidates{"feedback_similar_candidates",
    "SELECT " FB_COLUMNS FB_FROM "WHERE f.id <> $1 AND f.status IN " FB_OPEN " AND a.path LIKE $4 AND "
    "((f.procedure_code = $2) OR ($2 = '' AND f.procedure_code IS NULL AND f.category = $3)) "
    "ORDER BY f.received_at DESC LIMIT 500"};
const db::Query kMergedOf{"feedback_merged_into",
    "SELECT id, code, account_id, title, email, phone, full_name FROM feedback WHERE merged_into = $1 ORDER BY id LIMIT 1000"};
const db::Query kAnswerMerged{"feedback_answer_merged",
    "UPDATE feedback SET status = 'answered', answer = $2, answered_at = $3, answered_by = $4, due_at = NULL, updated_at = $3 "
    "WHERE merged_into = $1 AND status = 'merged'"};
const db::Query kPublished{"feedback_published",
    "SELECT f.code, f.category, f.procedure_code, f.public_title, f.public_content, f.public_answer, f.published_at, "
    "a.name, a.name_en, f.public_folded, f.received_at FROM feedback f JOIN agencies a ON a.id = f.agency_id "
    "WHERE f.status = 'published' ORDER BY f.published_at DESC, f.id DESC LIMIT 2000"};
// One page, in due order, after the last row of the page before ($2, $3: '' for the first).
const db::Query kOverdue{"feedback_overdue",
    "SELECT id, code, title, agency_id, due_at FROM feedback WHERE status IN " FB_OPEN " AND due_at <= $1 "
    "AND overdue_noticed = 0 AND (due_at > $2 OR (due_at = $2 AND id > $3)) ORDER BY due_at, id LIMIT $4"};
const db::Query kClaimOverdue{"feedback_claim_overdue",
    "UPDATE feedback SET overdue_noticed = 1 WHERE id = $1 AND overdue_noticed = 0"};

const db::Query kOpen311List{"feedback_open311_list",
    "SELECT " FB_COLUMNS FB_FROM "WHERE f.received_at >= $1 AND f.received_at < $2 AND ($3 = '' OR f.category = $3) "
    "AND ($4 = '' OR ($4 = 'open' AND f.status NOT IN " FB_CLOSED ") OR ($4 = 'closed' AND f.status IN " FB_CLOSED ")) "
    "ORDER BY f.received_at DESC, f.id DESC LIMIT $5 OFFSET $6"};

const db::Query kInsertKey{"open311_insert_key",
    "INSERT INTO open311_keys (id, name, key_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5)"};
const db::Query kKeyByHash{"open311_key_by_hash", "SELECT id, last_used_at FROM open311_keys WHERE key_hash = $1 AND revoked_at IS NULL"};
const db::Query kKeyUsed{"open311_key_used", "UPDATE open311_keys SET last_used_at = $2 WHERE id = $1"};
const db::Query kKeys{"open311_keys",
    "SELECT k.id, k.name, k.created_by, k.created_at, k.revoked_at, k.last_used_at, COALESCE(a.full_name, ''), "
    "(SELECT COUNT(*) FROM feedback f WHERE f.api_key_id = k.id) "
    "FROM open311_keys k LEFT JOIN accounts a ON a.id = k.created_by ORDER BY k.created_at DESC, k.id DESC LIMIT 500"};
const db::Query kRevokeKey{"open311_revoke_key",
    "UPDATE open311_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"};

const db::Query kAgencyByCode{"feedback_agency_by_code",
    "SELECT id, code, name, path, name_en FROM agencies WHERE code = $1 AND active = 1"};
const db::Query kAgencyById{"feedback_agency_by_id", "SELECT id, code, name, path, name_en FROM agencies WHERE id = $1"};
const db::Query kRootAgency{"feedback_root_agency",
    "SELECT id, code, name, path, name_en FROM agencies WHERE parent_id IS NULL AND active = 1 "
    "ORDER BY CASE level WHEN 'province' THEN 0 WHEN 'central' THEN 2 ELSE 1 END, path LIMIT 1"};
const db::Query kDossierAgency{"feedback_dossier_agency",
    "SELECT handling_agency_id, procedure_code FROM dossiers WHERE code = $1"};
const db::Query kAccountContact{"feedback_account_contact",
    "SELECT full_name, COALESCE(email, ''), COALESCE(phone, ''), address FROM accounts WHERE id = $1"};

const db::Query kAttachment{"feedback_attachment",
    "SELECT id, owner_account, dossier_id, name, content_type, size FROM attachments WHERE id = $1"};
const db::Query kAttachmentUsed{"feedback_attachment_used",
    "SELECT COUNT(*) FROM feedback_attachments WHERE attachment_id = $1"};
const db::Query kInsertAttachment{"feedback_insert_attachment",
    "INSERT INTO feedback_attachments (feedback_id, attachment_id) VALUES ($1, $2)"};
const db::Query kAttachmentsOf{"feedback_attachments_of",
    "SELECT t.id, t.name, t.content_type, t.size FROM feedback_attachments x JOIN attachments t ON t.id = x.attachment_id "
    "WHERE x.feedback_id = $1 ORDER BY t.id LIMIT 30"};

#define Q_COLUMNS                                                                                                     \
  "q.id, q.account_id, q.full_name, q.procedure_code, q.agency_id, q.question, q.status, q.answer, q.answered_at, "  \
  "q.faq_id, q.created_at, a.path, a.name"
const db::Query kInsertQuestion{"question_insert",
    "INSERT INTO questions (id, account_id, full_name, procedure_code, agency_id, question, status, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)"};
const db::Query kQuestionById{"question_by_id",
    "SELECT " Q_COLUMNS " FROM questions q JOIN agencies a ON a.id = q.agency_id WHERE q.id = $1"};
const db::Query kQuestionsOf{"questions_of",
    "SELECT " Q_COLUMNS " FROM questions q JOIN agencies a ON a.id = q.agency_id WHERE q.account_id = $1 "
    "ORDER BY q.created_at DESC LIMIT 200"};
const db::Query kQuestionInbox{"question_inbox",
    "SELECT " Q_COLUMNS " FROM questions q JOIN agencies a ON a.id = q.agency_id WHERE a.path LIKE $1 "
    "AND ($2 = '' OR q.status = $2) ORDER BY q.created_at DESC LIMIT 200"};
const db::Query kAnswerQuestion{"question_answer",
    "UPDATE questions SET status = 'answered', answer = $2, answered_by = $3, answered_at = $4 WHERE id = $1 AND status = 'open'"};
const db::Query kPublishQuestion{"question_publish",
    "UPDATE questions SET status = 'published', faq_id = $2 WHERE id = $1 AND status = 'answered'"};

}  // namespace motcua::feedback::store
