-- Feedback and petitions (phản ánh, kiến nghị — PAKN; DOMAIN.md §2.10, Decree 20/2008, Decision
-- 31/2021 Chapter VI), their append-only events, the Open311 GeoReport v2 integrators' keys, and
-- citizens' questions (hỏi đáp) that may become FAQ entries of the catalog (docs/feedback.md).
CREATE TABLE feedback (
  id             TEXT PRIMARY KEY,
  code           TEXT NOT NULL UNIQUE,          -- PAKN-YYMMDD-NNNN, the Open311 service_request_id
  source         TEXT NOT NULL CHECK (source IN ('online', 'open311', 'letter', 'phone', 'email')),
  account_id     TEXT,                          -- the petitioner's account when signed in
  entered_by     TEXT,                          -- the officer who entered a letter, call or e-mail
  api_key_id     TEXT,                          -- the Open311 integrator's key
  full_name      TEXT NOT NULL DEFAULT '',
  email          TEXT NOT NULL DEFAULT '',
  phone          TEXT NOT NULL DEFAULT '',
  address        TEXT NOT NULL DEFAULT '',      -- the petitioner's address (personal data)
  category       TEXT NOT NULL,                 -- the service code the petitioner chose
  title          TEXT NOT NULL,
  content        TEXT NOT NULL,
  folded         TEXT NOT NULL,                 -- title + content folded (duplicate suggestions)
  procedure_code TEXT,
  dossier_code   TEXT,
  location       TEXT NOT NULL DEFAULT '',      -- Open311 address_string
  lat            TEXT,
  lon            TEXT,
  media_url      TEXT NOT NULL DEFAULT '',
  device_id      TEXT NOT NULL DEFAULT '',
  agency_id      TEXT NOT NULL REFERENCES agencies (id),  -- the agency holding it now
  status         TEXT NOT NULL CHECK (status IN ('received', 'registered', 'classified', 'transferred',
                   'processing', 'not_accepted', 'answered', 'published', 'merged')),
  classification TEXT CHECK (classification IN ('not_accepted', 'conduct', 'regulation_within', 'regulation_outside')),
  due_at         TEXT,                          -- deadline of the current stage
  overdue_noticed INTEGER NOT NULL DEFAULT 0,
  merged_into    TEXT REFERENCES feedback (id),
  answer         TEXT NOT NULL DEFAULT '',
  answered_at    TEXT,
  answered_by    TEXT,
  public_title   TEXT NOT NULL DEFAULT '',
  public_content TEXT NOT NULL DEFAULT '',
  public_answer  TEXT NOT NULL DEFAULT '',
  public_folded  TEXT NOT NULL DEFAULT '',
  published_at   TEXT,
  rating         INTEGER CHECK (rating BETWEEN 1 AND 3),
  rating_comment TEXT NOT NULL DEFAULT '',
  rated_at       TEXT,
  received_at    TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX feedback_agency_status ON feedback (agency_id, status, due_at);
CREATE INDEX feedback_account ON feedback (account_id, received_at);
CREATE INDEX feedback_procedure ON feedback (procedure_code, status);
CREATE INDEX feedback_received ON feedback (received_at);
CREATE INDEX feedback_published ON feedback (published_at);
CREATE INDEX feedback_merged ON feedback (merged_into);

CREATE TABLE feedback_attachments (
  feedback_id   TEXT NOT NULL REFERENCES feedback (id),
  attachment_id TEXT NOT NULL UNIQUE REFERENCES attachments (id),
  PRIMARY KEY (feedback_id, attachment_id)
);

CREATE TABLE feedback_sequences (
  day  TEXT PRIMARY KEY,
  last INTEGER NOT NULL
);

-- Append-only (triggers below): every step of every item.
CREATE TABLE feedback_events (
  id          TEXT PRIMARY KEY,                 -- UUIDv7: time-ordered
  feedback_id TEXT NOT NULL REFERENCES feedback (id),
  at          TEXT NOT NULL,
  action      TEXT NOT NULL,
  status_from TEXT NOT NULL DEFAULT '',
  status_to   TEXT NOT NULL,
  actor_id    TEXT NOT NULL DEFAULT '',
  actor_name  TEXT NOT NULL DEFAULT '',
  agency_id   TEXT,
  note        TEXT NOT NULL DEFAULT '',
  data        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX feedback_events_item ON feedback_events (feedback_id, id);
CREATE FUNCTION feedback_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'feedback_events is append-only';
END;
$$;
CREATE TRIGGER feedback_events_no_change BEFORE UPDATE OR DELETE ON feedback_events
  FOR EACH ROW EXECUTE FUNCTION feedback_events_append_only();

-- Open311 api_key: only the SHA-256 of the key is kept.
CREATE TABLE open311_keys (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  key_hash   TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);

-- Questions (hỏi đáp) about a procedure; a published one is an entry of catalog_faq.
CREATE TABLE questions (
  id             TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  full_name      TEXT NOT NULL DEFAULT '',
  procedure_code TEXT NOT NULL,
  agency_id      TEXT NOT NULL REFERENCES agencies (id),
  question       TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('open', 'answered', 'published')),
  answer         TEXT NOT NULL DEFAULT '',
  answered_by    TEXT,
  answered_at    TEXT,
  faq_id         TEXT,
  created_at     TEXT NOT NULL
);
CREATE INDEX questions_agency ON questions (agency_id, status, created_at);
CREATE INDEX questions_account ON questions (account_id, created_at);
