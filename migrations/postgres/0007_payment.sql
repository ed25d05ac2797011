-- Payments (DOMAIN.md §2.9, docs/payment.md): what a dossier owes (payment requests with their
-- phí / lệ phí items), each attempt at the payment platform (transactions, one MaThamChieu
-- each) and the append-only ledger of every state change. Money is integer VND.
CREATE TABLE payment_requests (
  id           TEXT PRIMARY KEY,
  dossier_id   TEXT NOT NULL REFERENCES dossiers (id),
  dossier_code TEXT NOT NULL,
  agency_id    TEXT NOT NULL,            -- the agency the money is for (handling agency)
  amount       BIGINT NOT NULL CHECK (amount > 0),
  reason       TEXT NOT NULL,
  items        TEXT NOT NULL,            -- JSON [{kind: phi|le_phi|other, code, name, amount}]
  state        TEXT NOT NULL CHECK (state IN ('open', 'paid', 'cancelled', 'refund_due')),
  created_at   TEXT NOT NULL,
  paid_at      TEXT,
  closed_at    TEXT
);
CREATE INDEX payment_requests_dossier ON payment_requests (dossier_id, state);

CREATE TABLE payment_transactions (
  id              TEXT PRIMARY KEY,
  request_id      TEXT NOT NULL REFERENCES payment_requests (id),
  reference       TEXT NOT NULL UNIQUE,  -- MaThamChieu: one settlement per reference
  account_id      TEXT NOT NULL,
  idempotency_key TEXT,
  amount          BIGINT NOT NULL CHECK (amount > 0),
  currency        TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'cancelled')),
  pay_url         TEXT NOT NULL DEFAULT '',
  platform_txn    TEXT NOT NULL DEFAULT '',   -- MaGiaoDich
  bank_code       TEXT NOT NULL DEFAULT '',   -- MaNganHang
  result_code     TEXT NOT NULL DEFAULT '',   -- MaLoi
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  next_query_at   TEXT,                       -- the re-query job's lease/schedule
  queries         INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX payment_transactions_idempotency ON payment_transactions (account_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX payment_transactions_request ON payment_transactions (request_id);
CREATE INDEX payment_transactions_pending ON payment_transactions (state, next_query_at);

-- Append-only: rows are never updated or deleted (triggers below). One row per event of a
-- reference: a second settlement of the same MaThamChieu fails on the unique constraint.
CREATE TABLE payment_ledger (
  id             TEXT PRIMARY KEY,            -- UUIDv7: time-ordered
  at             TEXT NOT NULL,
  request_id     TEXT NOT NULL REFERENCES payment_requests (id),
  transaction_id TEXT,
  reference      TEXT,
  dossier_code   TEXT NOT NULL,
  agency_id      TEXT NOT NULL,
  event          TEXT NOT NULL,   -- requested, initiated, settled, declined, cancelled, refund_due
  amount         BIGINT NOT NULL,
  state_from     TEXT NOT NULL DEFAULT '',
  state_to       TEXT NOT NULL,
  data           TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX payment_ledger_reference_event ON payment_ledger (reference, event);
CREATE UNIQUE INDEX payment_ledger_request_event ON payment_ledger (request_id, event) WHERE reference IS NULL;
CREATE INDEX payment_ledger_agency_at ON payment_ledger (agency_id, at);

CREATE FUNCTION payment_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'payment_ledger is append-only';
END;
$$;
CREATE TRIGGER payment_ledger_no_change BEFORE UPDATE OR DELETE ON payment_ledger
  FOR EACH ROW EXECUTE FUNCTION payment_ledger_append_only();
