-- Payments, second part (docs/payment.md): our own e-receipts (biên lai điện tử), one per
-- kind of money (phí, lệ phí, other) of a settled transaction, numbered without gaps per agency
-- and series; the refund an accountant records for refund-due money. Money is integer VND.
CREATE TABLE payment_receipts (
  id             TEXT PRIMARY KEY,
  transaction_id TEXT NOT NULL REFERENCES payment_transactions (id),
  request_id     TEXT NOT NULL REFERENCES payment_requests (id),
  dossier_code   TEXT NOT NULL,
  agency_id      TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('phi', 'le_phi', 'other')),
  series         TEXT NOT NULL,            -- ký hiệu, e.g. BLP-26 (phí), BLL-26 (lệ phí)
  number         BIGINT NOT NULL CHECK (number > 0),
  amount         BIGINT NOT NULL CHECK (amount > 0),
  items          TEXT NOT NULL,            -- JSON [{code, name, amount}] of this kind
  issued_at      TEXT NOT NULL,
  UNIQUE (transaction_id, kind),
  UNIQUE (agency_id, series, number)
);
CREATE INDEX payment_receipts_request ON payment_receipts (request_id);

-- The last number given per agency and series: the UPDATE … RETURNING serialises issuers.
CREATE TABLE payment_receipt_counters (
  agency_id TEXT NOT NULL,
  series    TEXT NOT NULL,
  last      BIGINT NOT NULL,
  PRIMARY KEY (agency_id, series)
);

-- A refund of refund-due money, recorded once by the agency (the ledger has the `refunded` row).
ALTER TABLE payment_requests ADD COLUMN refunded_at TEXT;
ALTER TABLE payment_requests ADD COLUMN refund_note TEXT;
