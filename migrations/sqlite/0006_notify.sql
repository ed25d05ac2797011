-- Notification delivery (docs/notify.md): the sender's lease and retry schedule on each outbox
-- row, the log of every delivery attempt, in-app read marks, and templates edited by
-- administrators (the shipped defaults live in the binary; a row here overrides one).
ALTER TABLE notification_outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE notification_outbox ADD COLUMN lease_until TEXT;
ALTER TABLE notification_outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_outbox ADD COLUMN read_at TEXT;

-- In-app messages are shown as soon as they are written; those queued before this version are
-- therefore already "sent".
UPDATE notification_outbox SET status = 'sent', sent_at = created_at
  WHERE channel = 'in_app' AND status = 'pending';

CREATE INDEX notification_outbox_due ON notification_outbox (status, next_attempt_at);
CREATE INDEX notification_outbox_account ON notification_outbox (account_id, channel, id);
CREATE INDEX notification_outbox_recipient ON notification_outbox (recipient, channel, sent_at);

-- One row per delivery attempt (and per administrator's retry): what the admin log shows.
CREATE TABLE notification_attempts (
  id         TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES notification_outbox (id),
  at         TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed', 'dead', 'deferred', 'requeued')),
  detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notification_attempts_message ON notification_attempts (message_id, at);

CREATE TABLE notification_templates (
  event      TEXT NOT NULL,
  channel    TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'in_app')),
  language   TEXT NOT NULL CHECK (language IN ('vi', 'en')),
  subject    TEXT NOT NULL DEFAULT '',
  body       TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (event, channel, language)
);
