-- Payments, third part (docs/payment.md): the payment transaction-type code of Decision 31/2021
-- Art. 36 (`G22.99…`) of each payment request, sent to the platform in INIT and copied onto each
-- ledger row so that the ledger and the reconciliation can be read per transaction type.
ALTER TABLE payment_requests ADD COLUMN type_code TEXT NOT NULL DEFAULT 'G22.99';
ALTER TABLE payment_ledger ADD COLUMN type_code TEXT NOT NULL DEFAULT 'G22.99';
