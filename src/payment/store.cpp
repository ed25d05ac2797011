#include "payment/store.hpp"

namespace motcua::payment::store {

#define TXN_COLUMNS                                                                                                   \
  "t.id, t.request_id, t.reference, t.account_id, t.amount, t.currency, t.state, t.pay_url, t.platform_txn, t.created_at, " \
  "r.state, r.dossier_id, r.dossier_code, r.agency_id, t.queries, t.next_query_at, r.items, r.type_code"

const db::Query kInsertRequest{"payment_insert_request",
    "INSERT INTO payment_requests (id, dossier_id, dossier_code, agency_id, amount, reason, items, state, created_at, type_code) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9)"};
const db::Query kProcedureTypeCode{"payment_procedure_type_code",
    "SELECT config FROM procedure_configs WHERE procedure_code = $1"};
const db::Query kOpenRequests{"payment_open_requests",
    "SELECT id, amount, reason, items, agency_id, type_code FROM payment_requests WHERE dossier_id = $1 AND state = 'open' "
    "ORDER BY created_at, id"};
const db::Query kRequestsOfDossier{"payment_requests_of_dossier",
    "SELECT id, amount, reason, items, state, created_at, paid_at, closed_at, agency_id, refunded_at, type_code FROM payment_requests "
    "WHERE dossier_id = $1 ORDER BY created_at, id LIMIT 100"};
const db::Query kRequestById{"payment_request_by_id",
    "SELECT id, amount, reason, items, state, dossier_id, dossier_code, agency_id FROM payment_requests WHERE id = $1"};
const db::Query kSetRequestState{"payment_set_request_state",
    "UPDATE payment_requests SET state = $3, paid_at = COALESCE($4, paid_at), closed_at = COALESCE($5, closed_at) "
    "WHERE id = $1 AND state = $2"};
// Whether any request of the dossier is still open: the first index entry answers (no count).
const db::Query kAnyOpenRequest{"payment_any_open_request",
    "SELECT 1 FROM payment_requests WHERE dossier_id = $1 AND state = 'open' LIMIT 1"};

const db::Query kInsertTransaction{"payment_insert_transaction",
    "INSERT INTO payment_transactions (id, request_id, reference, account_id, idempotency_key, amount, currency, state, "
    "created_at, updated_at, next_query_at) VALUES ($1, $2, $3, $4, $5, $6, 'VND', 'pending', $7, $7, $8)"};
const db::Query kTransactionByReference{"payment_transaction_by_reference",
    "SELECT " TXN_COLUMNS " FROM payment_transactions t JOIN payment_requests r ON r.id = t.request_id WHERE t.reference = $1"};
// Before a verdict is applied (PostgreSQL): the same, locking the dossier's row until the commit.
// Settlements of one dossier's requests then take turns, so the last one sees the others paid
// and moves the dossier on (two at once would each see the other still open). SQLite has one
// writer; it reads with kTransactionByReference.
const db::Query kPgTransactionForVerdict{"payment_pg_transaction_for_verdict",
    "SELECT " TXN_COLUMNS " FROM payment_transactions t JOIN payment_requests r ON r.id = t.request_id "
    "JOIN dossiers d ON d.id = r.dossier_id WHERE t.reference = $1 FOR NO KEY UPDATE OF d"};
const db::Query kTransactionByKey{"payment_transaction_by_key",
    "SELECT " TXN_COLUMNS " FROM payment_transactions t JOIN payment_requests r ON r.id = t.request_id "
    "WHERE t.account_id = $1 AND t.idempotency_key = $2"};
const db::Query kTransactionsOfDossier{"payment_transactions_of_dossier",
    "SELECT t.request_id, t.reference, t.amount, t.state, t.pay_url, t.created_at, t.updated_at, t.platform_txn, t.bank_code "
    "FROM payment_transactions t JOIN payment_requests r ON r.id = t.request_id WHERE r.dossier_id = $1 "
    "ORDER BY t.created_at, t.id LIMIT 500"};
const db::Query kSetPayUrl{"payment_set_pay_url", "UPDATE payment_transactions SET pay_url = $2, updated_at = $3 WHERE id = $1"};
const db::Query kSettleTransaction{"payment_settle_transaction",
    "UPDATE payment_transactions SET state = 'succeeded', platform_txn = $2, bank_code = $3, result_code = $4, updated_at = $5, "
    "next_query_at = NULL WHERE id = $1 AND state <> 'succeeded'"};
const db::Query kFailTransaction{"payment_fail_transaction",
    "UPDATE payment_transactions SET state = $2, result_code = $3, updated_at = $4, next_query_at = NULL "
    "WHERE id = $1 AND state = 'pending'"};
const db::Query kCancelPendingOfRequest{"payment_cancel_pending_of_request",
    "UPDATE payment_transactions SET state = 'cancelled', updated_at = $2, next_query_at = $3 "
    "WHERE request_id = $1 AND state = 'pending'"};
const db::Query kDueForQuery{"payment_due_for_query",
    "SELECT id, reference, next_query_at, queries FROM payment_transactions "
    "WHERE state IN ('pending', 'cancelled') AND next_query_at IS NOT NULL AND next_query_at <= $1 AND pay_url <> '' "
    "ORDER BY next_query_at LIMIT 100"};
// The lease: whoever moves next_query_at from the value it read queries the platform.
const db::Query kClaimQuery{"payment_claim_query",
    "UPDATE payment_transactions SET next_query_at = $3, queries = queries + 1 WHERE id = $1 AND next_query_at = $2"};

// PostgreSQL only (data-modifying CTEs): a settlement in fewer round trips. The settle UPDATE and
// its ledger row in one statement (no row when the transaction was already settled; a request no
// longer open)…
const db::Query kPgSettleWithLedger{"payment_pg_settle_with_ledger",
    "WITH s AS (UPDATE payment_transactions SET state = 'succeeded', platform_txn = $2, bank_code = $3, result_code = $4, "
    "updated_at = $5, next_query_at = NULL WHERE id = $1 AND state <> 'succeeded' RETURNING id) "
    "INSERT INTO payment_ledger (id, at, request_id, transaction_id, reference, dossier_code, agency_id, event, amount, "
    "state_from, state_to, data, type_code) "
    "SELECT $6, $5, $7, s.id, $8, $9, $10, 'settled', $11::bigint, $12, 'succeeded', $13, $14 FROM s"};
// …and, when the request is open, all in one statement: settle, ledger row, request paid, its
// other pending attempts cancelled (not the one being settled), and whether another request of
// the dossier is still open. Columns: ledger rows written (0: already settled), request closed
// (0: no longer open), other open.
const db::Query kPgSettleAndClose{"payment_pg_settle_and_close",
    "WITH s AS (UPDATE payment_transactions SET state = 'succeeded', platform_txn = $2, bank_code = $3, result_code = $4, "
    "updated_at = $5, next_query_at = NULL WHERE id = $1 AND state <> 'succeeded' RETURNING id), "
    "l AS (INSERT INTO payment_ledger (id, at, request_id, transaction_id, reference, dossier_code, agency_id, event, amount, "
    "state_from, state_to, data, type_code) "
    "SELECT $6, $5, $7, s.id, $8, $9, $10, 'settled', $11::bigint, $12, 'succeeded', $13, $14 FROM s RETURNING 1), "
    "r AS (UPDATE payment_requests SET state = 'paid', paid_at = $5 WHERE id = $7 AND state = 'open' AND EXISTS (SELECT 1 FROM s) "
    "RETURNING id), "
    "x AS (UPDATE payment_transactions SET state = 'cancelled', updated_at = $5, next_query_at = $5 "
    "WHERE request_id = $7 AND state = 'pending' AND id <> $1 AND EXISTS (SELECT 1 FROM s) RETURNING id) "
    "SELECT (SELECT COUNT(*) FROM l), (SELECT COUNT(*) FROM r), CASE WHEN EXISTS (SELECT 1 FROM payment_requests "
    "WHERE dossier_id = $15 AND state = 'open' AND id <> $7) THEN 1 ELSE 0 END"};
// A settlement's e-receipts in one statement: $6 is a JSON array of {id, kind, series, amount,
// items} (one per kind of money; items is the JSON text of its lines); each series of the agency
// ($1) gives its next number.
const db::Query kPgIssueReceipts{"payment_pg_issue_receipts",
    "WITH v AS (SELECT * FROM jsonb_to_recordset($6::jsonb) AS j (id text, kind text, series text, amount bigint, items text)), "
    "n AS (INSERT INTO payment_receipt_counters (agency_id, series, last) SELECT $1, v.series, 1 FROM v "
    "ON CONFLICT (agency_id, series) DO UPDATE SET last = payment_receipt_counters.last + 1 RETURNING series, last) "
    "INSERT INTO payment_receipts (id, transaction_id, request_id, dossier_code, agency_id, kind, series, number, amount, "
    "items, issued_at) SELECT v.id, $2, $3, $4, $1, v.kind, n.series, n.last, v.amount, v.items, $5 FROM n JOIN v "
    "ON v.series = n.series"};
const db::Query kStopQuerying{"payment_stop_querying", "UPDATE payment_transactions SET next_query_at = NULL WHERE id = $1"};

const db::Query kSettledBetween{"payment_settled_between",
    "SELECT l.reference, l.amount, COALESCE(t.platform_txn, ''), l.agency_id, COALESCE(t.bank_code, ''), a.code, a.name, l.at, "
    "COALESCE(l.type_code, '') "
    "FROM payment_ledger l JOIN agencies a ON a.id = l.agency_id "
    "LEFT JOIN payment_transactions t ON t.id = l.transaction_id "
    "WHERE l.event = 'settled' AND a.path LIKE $1 AND l.at >= $2 AND l.at < $3 ORDER BY l.id LIMIT 100001"};

const db::Query kInsertLedger{"payment_insert_ledger",
    "INSERT INTO payment_ledger (id, at, request_id, transaction_id, reference, dossier_code, agency_id, event, amount, "
    "state_from, state_to, data, type_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
    "COALESCE($13, (SELECT type_code FROM payment_requests WHERE id = $3)))"};
const db::Query kLedgerOfDossier{"payment_ledger_of_dossier",
    "SELECT l.at, l.event, l.amount, l.reference, l.state_from, l.state_to, l.type_code FROM payment_ledger l "
    "JOIN payment_requests r ON r.id = l.request_id WHERE r.dossier_id = $1 ORDER BY l.id LIMIT 500"};
const db::Query kLedger{"payment_ledger",
    "SELECT l.id, l.at, l.request_id, l.transaction_id, l.reference, l.dossier_code, l.agency_id, l.event, l.amount, "
    "l.state_from, l.state_to, l.type_code FROM payment_ledger l JOIN agencies a ON a.id = l.agency_id "
    "WHERE a.path LIKE $1 AND l.at >= $2 AND l.at < $3 AND l.id > $4 ORDER BY l.id LIMIT $5"};

// E-receipts: a gapless number per agency and series (the upsert's row lock serialises issuers).
const db::Query kNextReceiptNumber{"payment_next_receipt_number",
    "INSERT INTO payment_receipt_counters (agency_id, series, last) VALUES ($1, $2, 1) "
    "ON CONFLICT (agency_id, series) DO UPDATE SET last = payment_receipt_counters.last + 1 RETURNING last"};
// The phí and lệ phí numbers of one settlement in one statement (the usual request has both).
const db::Query kNextReceiptNumbers2{"payment_next_receipt_numbers2",
    "INSERT INTO payment_receipt_counters (agency_id, series, last) VALUES ($1, $2, 1), ($1, $3, 1) "
    "ON CONFLICT (agency_id, series) DO UPDATE SET last = payment_receipt_counters.last + 1 RETURNING series, last"};
const db::Query kInsertReceipts2{"payment_insert_receipts2",
    "INSERT INTO payment_receipts (id, transaction_id, request_id, dossier_code, agency_id, kind, series, number, amount, items, "
    "issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11), ($12, $2, $3, $4, $5, $13, $14, $15, $16, $17, $11)"};
const db::Query kInsertReceipt{"payment_insert_receipt",
    "INSERT INTO payment_receipts (id, transaction_id, request_id, dossier_code, agency_id, kind, series, number, amount, items, "
    "issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"};
const db::Query kReceiptsOfDossier{"payment_receipts_of_dossier",
    "SELECT t.reference, r.kind, r.series, r.number, r.amount, r.issued_at FROM payment_receipts r "
    "JOIN payment_transactions t ON t.id = r.transaction_id JOIN payment_requests q ON q.id = r.request_id "
    "WHERE q.dossier_id = $1 ORDER BY r.issued_at, CASE r.kind WHEN 'phi' THEN 0 WHEN 'le_phi' THEN 1 ELSE 2 END LIMIT 500"};
const db::Query kReceiptByReference{"payment_receipt_by_reference",
    "SELECT r.series, r.number, r.amount, r.items, r.issued_at, t.platform_txn, t.bank_code, q.dossier_id, r.agency_id "
    "FROM payment_receipts r JOIN payment_transactions t ON t.id = r.transaction_id JOIN payment_requests q ON q.id = r.request_id "
    "WHERE t.reference = $1 AND r.kind = $2"};

// Refunds: what the ledger says is due (refund_due rows) and what was paid back (refunded rows).
const db::Query kRefundsOfDossier{"payment_refunds_of_dossier",
    "SELECT l.request_id, COALESCE(l.reference, ''), l.event, l.amount, l.at, l.data FROM payment_ledger l "
    "JOIN payment_requests q ON q.id = l.request_id WHERE q.dossier_id = $1 AND l.event IN ('refund_due', 'refunded') "
    "ORDER BY l.id LIMIT 500"};
const db::Query kMarkRefunded{"payment_mark_refunded",
    "UPDATE payment_requests SET refunded_at = $2, refund_note = $3 WHERE id = $1 AND state = 'refund_due' AND refunded_at IS NULL"};

// A pending attempt past its validity: failed with MaLoi EXPIRED, no longer queried.
const db::Query kExpireTransaction{"payment_expire_transaction",
    "UPDATE payment_transactions SET state = 'failed', result_code = 'EXPIRED', updated_at = $2, next_query_at = NULL "
    "WHERE id = $1 AND state = 'pending'"};

const db::Query kAgencyOfReference{"payment_agency_of_reference",
    "SELECT a.path FROM payment_transactions t JOIN payment_requests r ON r.id = t.request_id JOIN agencies a ON a.id = r.agency_id "
    "WHERE t.reference = $1"};

}  // namespace motcua::payment::store
