#include "dossier/store.hpp"

namespace motcua::dossier::store {

#define MOTCUA_DOSSIER_COLUMNS                                                                       \
  "d.id, d.code, d.procedure_code, d.procedure_name, d.case_code, d.case_name, d.channel, d.agency_id, " \
  "d.agency_path, d.handling_agency_id, d.handling_path, d.owner_account, d.applicant_name, "         \
  "d.applicant_id_number, d.body, d.summary, d.status, d.stage, d.resume_status, d.resume_stage, "     \
  "d.assignee_id, d.submitted_at, d.received_at, d.due_at, d.step_due_at, d.finished_at, d.returned_at, " \
  "d.duration_minutes, d.duration_unit, d.supplements, d.apologies, d.at_risk, d.overdue, d.bundle_id, " \
  "d.version"

const db::Query kInsertAttachment{"dossier_insert_attachment",
    "INSERT INTO attachments (id, owner_account, sha256, name, content_type, size, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"};
const db::Query kFindAttachment{"dossier_find_attachment",
    "SELECT id, owner_account, sha256, name, content_type, size, dossier_id FROM attachments WHERE id = $1"};
const db::Query kClaimAttachment{"dossier_claim_attachment",
    "UPDATE attachments SET dossier_id = $1 WHERE id = $2 AND owner_account = $3 AND dossier_id IS NULL"};

const db::Query kAgencyByCode{"dossier_agency_by_code",
    "SELECT id, code, name, path, address, name_en FROM agencies WHERE code = $1 AND active = 1"};
const db::Query kAgencyById{"dossier_agency_by_id",
    "SELECT id, code, name, path, address, name_en FROM agencies WHERE id = $1"};
const db::Query kAccountProfile{"dossier_account_profile",
    "SELECT full_name, COALESCE(personal_id, ''), COALESCE(birth_date, ''), COALESCE(gender, ''), "
    "COALESCE(email, ''), COALESCE(phone, ''), address, COALESCE(tax_code, ''), COALESCE(business_name, ''), kind, language "
    "FROM accounts WHERE id = $1"};
const db::Query kAccountByPersonalId{"dossier_account_by_personal_id",
    "SELECT id FROM accounts WHERE personal_id = $1 AND kind = 'citizen'"};
const db::Query kOfficers{"dossier_officers",
    "SELECT a.id, a.full_name, g.name FROM accounts a JOIN account_roles r ON r.account_id = a.id "
    "JOIN agencies g ON g.id = a.agency_id WHERE g.path LIKE $1 AND r.role = $2 AND a.status = 'active' "
    "ORDER BY a.full_name LIMIT 200"};

const db::Query kFindConfig{"dossier_find_config",
    "SELECT config, updated_at, updated_by, revision FROM procedure_configs WHERE procedure_code = $1"};
const db::Query kConfigRevision{"dossier_config_revision",
    "SELECT revision FROM procedure_configs WHERE procedure_code = $1"};
const db::Query kUpsertConfig{"dossier_upsert_config",
    "INSERT INTO procedure_configs (procedure_code, config, updated_at, updated_by) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (procedure_code) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at, "
    "updated_by = excluded.updated_by, revision = procedure_configs.revision + 1"};
// The same, only over the row the editor started from ($5, $6: its config and updated_at; NULL
// when there was none): no row changed means someone saved meanwhile.
const db::Query kUpsertConfigIf{"dossier_upsert_config_if",
    "INSERT INTO procedure_configs (procedure_code, config, updated_at, updated_by) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (procedure_code) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at, "
    "updated_by = excluded.updated_by, revision = procedure_configs.revision + 1 WHERE procedure_configs.config = $5 AND procedure_configs.updated_at = $6"};

// Circular 01/2018 Art. 19: the sequence restarts each day for each receiving agency. The
// increment happens in the submitting transaction, so a rolled-back submission leaves no gap.
const db::Query kNextSequence{"dossier_next_sequence",
    "INSERT INTO dossier_sequences (agency_id, day, last) VALUES ($1, $2, 1) "
    "ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequences.last + 1"};
const db::Query kFindIdempotency{"dossier_find_idempotency",
    "SELECT request_hash, dossier_id FROM idempotency_keys WHERE account_id = $1 AND key = $2"};
const db::Query kInsertIdempotency{"dossier_insert_idempotency",
    "INSERT INTO idempotency_keys (account_id, key, request_hash, dossier_id, created_at) VALUES ($1, $2, $3, $4, $5)"};

// A new dossier numbered from the day's counter, which kNextSequence has just moved on in
// the same transaction: the code is $2 (`<agency code>-<YYMMDD>-`) and the number, four digits
// at least (Circular 01/2018 Art. 19): past 9,999 in one day the number grows a digit, so codes
// stay unique and ordered without reusing a day. $24 is the day of the counter.
const db::Query kInsertDossier{"dossier_insert",
    "INSERT INTO dossiers (id, code, procedure_code, procedure_name, case_code, case_name, channel, agency_id, "
    "agency_path, handling_agency_id, handling_path, owner_account, applicant_name, applicant_id_number, body, "
    "summary, status, stage, submitted_at, received_at, due_at, step_due_at, duration_minutes, duration_unit, "
    "bundle_id, version, updated_at) SELECT $1, $2 || CASE WHEN q.last < 10 THEN '000' WHEN q.last < 100 THEN '00' "
    "WHEN q.last < 1000 THEN '0' ELSE '' END || CAST(q.last AS TEXT), $3, $4, $5, $6, $7, $8, $9, $8, $9, $10, $11, "
    "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 1, $17 FROM dossier_sequences q "
    "WHERE q.agency_id = $8 AND q.day = $24"};
const db::Query kDossierCode{"dossier_code", "SELECT code FROM dossiers WHERE id = $1"};
// Public tracking: the rows of a JSON array of codes, in one statement for many lookups.
#define MOTCUA_TRACK_COLUMNS                                                                     \
  "SELECT code, procedure_code, procedure_name, status, stage, received_at, due_at, returned_at, " \
  "COALESCE(applicant_id_number, ''), owner_account, id, handling_agency_id FROM dossiers "
const db::Query kTrackRowsPg{"dossier_track_rows_pg",
    MOTCUA_TRACK_COLUMNS "WHERE code = ANY(ARRAY(SELECT json_array_elements_text($1::json)))"};
const db::Query kTrackRowsSqlite{"dossier_track_rows_sqlite",
    MOTCUA_TRACK_COLUMNS "WHERE code IN (SELECT value FROM json_each($1))"};
const db::Query kDossierByCode{"dossier_by_code", "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers d WHERE d.code = $1"};
const db::Query kDossierById{"dossier_by_id", "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers d WHERE d.id = $1"};
// Optimistic concurrency: of two actions on one dossier read at the same version, one matches.
const db::Query kUpdateDossier{"dossier_update",
    "UPDATE dossiers SET status = $3, stage = $4, resume_status = $5, resume_stage = $6, assignee_id = $7, "
    "received_at = $8, due_at = $9, step_due_at = $10, finished_at = $11, returned_at = $12, supplements = $13, "
    "apologies = $14, body = $15, handling_agency_id = $16, handling_path = $17, at_risk = $18, overdue = $19, "
    "version = version + 1, updated_at = $20, review_role = $21 WHERE id = $1 AND version = $2"};

const db::Query kSetResume{"dossier_set_resume", "UPDATE dossiers SET resume_status = $2, resume_stage = $3 WHERE id = $1"};

const db::Query kInsertEvent{"dossier_insert_event",
    "INSERT INTO dossier_events (dossier_id, seq, at, action, status_from, status_to, stage, actor_id, actor_name, "
    "actor_role, agency_id, agency_name, note, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"};
const db::Query kEvents{"dossier_events",
    "SELECT seq, at, action, status_from, status_to, stage, actor_id, actor_name, actor_role, agency_id, agency_name, "
    "note, data FROM dossier_events WHERE dossier_id = $1 ORDER BY seq LIMIT 1000"};
const db::Query kMaxEventSeq{"dossier_max_event_seq",
    "SELECT COALESCE(MAX(seq), 0) FROM dossier_events WHERE dossier_id = $1"};

const db::Query kInsertParticipant{"dossier_insert_participant",
    "INSERT INTO dossier_participants (dossier_id, agency_id, agency_path, role, request, due_at) VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (dossier_id, agency_id, role) DO UPDATE SET request = excluded.request, due_at = excluded.due_at, "
    "answered_at = NULL, answer = ''"};
const db::Query kParticipants{"dossier_participants",
    "SELECT p.agency_id, p.agency_path, p.role, p.request, p.due_at, p.answered_at, p.answer, a.name "
    "FROM dossier_participants p JOIN agencies a ON a.id = p.agency_id WHERE p.dossier_id = $1 ORDER BY p.due_at LIMIT 100"};
const db::Query kAnswerParticipant{"dossier_answer_participant",
    "UPDATE dossier_participants SET answered_at = $3, answer = $4 WHERE dossier_id = $1 AND agency_id = $2 "
    "AND role = 'consulted' AND answered_at IS NULL"};

const db::Query kInsertStep{"dossier_insert_step",
    "INSERT INTO dossier_steps (dossier_id, seq, step, agency_id, started_at, due_at) "
    "VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM dossier_steps WHERE dossier_id = $1), $2, $3, $4, $5)"};
const db::Query kOpenStep{"dossier_open_step",
    "SELECT seq, step, started_at, due_at FROM dossier_steps WHERE dossier_id = $1 AND finished_at IS NULL "
    "ORDER BY seq DESC LIMIT 1"};
const db::Query kFinishStep{"dossier_finish_step",
    "UPDATE dossier_steps SET finished_at = $3, late_minutes = $4 WHERE dossier_id = $1 AND seq = $2"};
const db::Query kSteps{"dossier_steps",
    "SELECT s.seq, s.step, s.started_at, s.due_at, s.finished_at, s.late_minutes, a.name FROM dossier_steps s "
    "JOIN agencies a ON a.id = s.agency_id WHERE s.dossier_id = $1 ORDER BY s.seq LIMIT 1000"};
const db::Query kMarkLateSteps{"dossier_mark_late_steps",
    "SELECT dossier_id, seq, due_at, agency_id FROM dossier_steps WHERE finished_at IS NULL AND late_minutes IS NULL "
    "AND due_at IS NOT NULL AND due_at < $1 "
    "AND (due_at > $2 OR (due_at = $2 AND (dossier_id > $3 OR (dossier_id = $3 AND seq > $4)))) "
    "ORDER BY due_at, dossier_id, seq LIMIT $5"};

const db::Query kDrafts{"dossier_drafts",
    "SELECT id, procedure_code, body, created_at, updated_at FROM dossier_drafts WHERE owner_account = $1 "
    "ORDER BY updated_at DESC LIMIT 100"};
const db::Query kInsertDraft{"dossier_insert_draft",
    "INSERT INTO dossier_drafts (id, owner_account, procedure_code, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)"};
const db::Query kUpdateDraft{"dossier_update_draft",
    "UPDATE dossier_drafts SET procedure_code = $3, body = $4, updated_at = $5 WHERE id = $1 AND owner_account = $2"};
const db::Query kFindDraft{"dossier_find_draft",
    "SELECT id, procedure_code, body, created_at, updated_at FROM dossier_drafts WHERE id = $1 AND owner_account = $2"};
const db::Query kDeleteDraft{"dossier_delete_draft",
    "DELETE FROM dossier_drafts WHERE id = $1 AND owner_account = $2"};

const db::Query kFindRating{"dossier_find_rating",
    "SELECT overall, criteria, comment, created_at, updated_at FROM dossier_ratings WHERE dossier_id = $1"};
const db::Query kInsertRating{"dossier_insert_rating",
    "INSERT INTO dossier_ratings (dossier_id, account_id, overall, criteria, comment, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $6)"};
const db::Query kUpdateRating{"dossier_update_rating",
    "UPDATE dossier_ratings SET overall = $2, criteria = $3, comment = $4, updated_at = $5 WHERE dossier_id = $1"};

const db::Query kMine{"dossier_mine",
    "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers d WHERE d.owner_account = $1 AND ($2 = 0 OR d.status = $2) "
    "ORDER BY d.submitted_at DESC, d.code DESC LIMIT $3 OFFSET $4"};
const db::Query kCountMine{"dossier_count_mine",
    "SELECT COUNT(*) FROM dossiers d WHERE d.owner_account = $1 AND ($2 = 0 OR d.status = $2)"};

#define MOTCUA_INBOX_WHERE                                                                                     \
  " FROM dossiers d WHERE (d.agency_path LIKE $1 OR d.handling_path LIKE $1 OR EXISTS (SELECT 1 FROM "          \
  "dossier_participants p WHERE p.dossier_id = d.id AND p.agency_path LIKE $1 AND p.answered_at IS NULL)) AND ("  \
  "($2 = 'receive' AND d.status = 1) OR "                                                                      \
  "($2 = 'process' AND ((d.status IN (2, 4) AND d.stage IN ('received', 'processing', 'approved')) OR d.status = 6)) OR " \
  "($2 = 'approve' AND d.status = 4 AND d.review_role IS NOT NULL AND $6 LIKE ('%,' || d.review_role || ',%')) OR " \
  "($2 = 'return' AND d.status = 9) OR "                                                                       \
  "($2 = 'due_soon' AND d.status IN (2, 4, 5, 6) AND d.due_at >= $3 AND d.due_at < $4) OR "                    \
  "($2 = 'overdue' AND d.status IN (2, 4, 5, 6, 9) AND d.due_at < $3) OR "                                     \
  "($2 = 'all')) AND ($5 = '' OR d.code LIKE $5 OR LOWER(d.applicant_name) LIKE $5 OR d.procedure_code LIKE $5)"

const db::Query kInbox{"dossier_inbox",
    "SELECT " MOTCUA_DOSSIER_COLUMNS MOTCUA_INBOX_WHERE
    " ORDER BY CASE WHEN $7 = 'due_at' THEN COALESCE(d.due_at, '9999') END ASC, "
    "CASE WHEN $7 = '-due_at' THEN COALESCE(d.due_at, '0000') END DESC, d.submitted_at DESC, d.code DESC LIMIT $8 OFFSET $9"};
const db::Query kCountInbox{"dossier_count_inbox", "SELECT COUNT(*)" MOTCUA_INBOX_WHERE};

const db::Query kRegister{"dossier_register",
    "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers d WHERE (d.agency_path LIKE $1 OR d.handling_path LIKE $1) "
    "AND d.submitted_at >= $2 AND d.submitted_at < $3 ORDER BY d.submitted_at, d.code LIMIT 20000"};

// What the watcher may have to mark, in due order from after ($3, $4): due before the horizon $1,
// not yet overdue, and either not yet at risk or due by now ($2). One marked at risk comes
// back only once it is due (to be marked overdue), so it never holds a page's place.
const db::Query kWatchCandidates{"dossier_watch_candidates",
    "SELECT d.id, d.code, d.handling_agency_id, d.due_at, d.procedure_name "
    "FROM dossiers d WHERE d.status IN (2, 4, 5, 6) AND d.due_at IS NOT NULL AND d.overdue = 0 AND d.due_at < $1 "
    "AND (d.at_risk = 0 OR d.due_at <= $2) AND (d.due_at > $3 OR (d.due_at = $3 AND d.id > $4)) "
    "ORDER BY d.due_at, d.id LIMIT $5"};
const db::Query kMarkAtRisk{"dossier_mark_at_risk", "UPDATE dossiers SET at_risk = 1 WHERE id = $1 AND at_risk = 0"};
const db::Query kMarkOverdue{"dossier_mark_overdue", "UPDATE dossiers SET overdue = 1, at_risk = 1 WHERE id = $1 AND overdue = 0"};

const db::Query kInsertBundle{"dossier_insert_bundle",
    "INSERT INTO dossier_bundles (id, bundle_code, owner_account, created_at) VALUES ($1, $2, $3, $4)"};
const db::Query kFindBundle{"dossier_find_bundle",
    "SELECT id, bundle_code, owner_account, created_at FROM dossier_bundles WHERE id = $1"};
const db::Query kBundleChildren{"dossier_bundle_children",
    "SELECT " MOTCUA_DOSSIER_COLUMNS " FROM dossiers d WHERE d.bundle_id = $1 ORDER BY d.code"};
// The same stored file recorded again for another dossier of a bundle (blobs are content-addressed).
const db::Query kCloneAttachment{"dossier_clone_attachment",
    "INSERT INTO attachments (id, owner_account, sha256, name, content_type, size, created_at) "
    "SELECT $1, owner_account, sha256, name, content_type, size, $4 FROM attachments "
    "WHERE id = $2 AND owner_account = $3"};

}  // namespace motcua::dossier::store
