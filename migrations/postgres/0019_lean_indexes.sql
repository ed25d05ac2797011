-- Fewer index entries per write on the two busiest tables. Every submission writes three
-- notification rows (in-app, which is delivered as it is written, and a pending e-mail and SMS)
-- and one dossier row; each index is one more B-tree insert per row.
--
-- notification_outbox: the sender reads the pending messages of each channel that is on, oldest
-- first (so pending e-mails piling up while e-mail is off are never read); the /metrics gauges
-- count pending, dead and failed. No query used (status, next_attempt_at). The inbox's index
-- (account_id, channel, id) stays whole: SQLite's plan for the inbox's OR of account and
-- recipient uses no partial index.
DROP INDEX notification_outbox_due;
DROP INDEX notification_outbox_pending;
CREATE INDEX notification_outbox_pending ON notification_outbox (channel, created_at, id) WHERE status = 'pending';
CREATE INDEX notification_outbox_undelivered ON notification_outbox (status, created_at) WHERE status IN ('dead', 'failed');

-- dossiers: most dossiers are not part of a bundle; only those that are need an entry.
DROP INDEX dossiers_bundle;
CREATE INDEX dossiers_bundle ON dossiers (bundle_id) WHERE bundle_id IS NOT NULL;
