-- One-stop dossiers (hồ sơ TTHC, DOMAIN.md §2.5–2.8, §3). The history of a dossier is the
-- append-only `dossier_events`; the row in `dossiers` is its current state, written in the same
-- transaction as each event. `version` makes concurrent actions on one dossier exclusive.
CREATE TABLE attachments (
  id            TEXT PRIMARY KEY,
  owner_account TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  name          TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL,
  dossier_id    TEXT,                 -- set once the attachment is part of a submitted dossier
  created_at    TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_account, created_at);

-- Forms, document rules and process definition per procedure (admin-edited JSON, see docs/dossier.md).
CREATE TABLE procedure_configs (
  procedure_code TEXT PRIMARY KEY,
  config         TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  updated_by     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE dossiers (
  id                  TEXT PRIMARY KEY,
  code                TEXT NOT NULL UNIQUE,  -- <agency code>-<YYMMDD>-<NNNN> (Circular 01/2018 Art. 19)
  procedure_code      TEXT NOT NULL,
  procedure_name      TEXT NOT NULL,
  case_code           TEXT NOT NULL,
  case_name           TEXT NOT NULL DEFAULT '',
  channel             TEXT NOT NULL CHECK (channel IN ('online', 'in_person', 'post')),
  agency_id           TEXT NOT NULL REFERENCES agencies (id),  -- receiving agency
  agency_path         TEXT NOT NULL,
  handling_agency_id  TEXT NOT NULL REFERENCES agencies (id),
  handling_path       TEXT NOT NULL,
  owner_account       TEXT,                  -- NULL for a paper dossier of someone without an account
  applicant_name      TEXT NOT NULL,
  applicant_id_number TEXT NOT NULL DEFAULT '',
  body                TEXT NOT NULL,         -- JSON: applicant, representative, form, documents, fees, results, supplement, apology
  summary             TEXT NOT NULL DEFAULT '',
  status              INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
  stage               TEXT NOT NULL,
  resume_status       INTEGER,
  resume_stage        TEXT,
  assignee_id         TEXT,
  submitted_at        TEXT NOT NULL,
  received_at         TEXT,
  due_at              TEXT,
  step_due_at         TEXT,
  finished_at         TEXT,
  returned_at         TEXT,
  duration_minutes    INTEGER NOT NULL DEFAULT 0,
  duration_unit       TEXT NOT NULL DEFAULT 'working_days',
  supplements         INTEGER NOT NULL DEFAULT 0,
  apologies           INTEGER NOT NULL DEFAULT 0,
  at_risk             INTEGER NOT NULL DEFAULT 0,
  overdue             INTEGER NOT NULL DEFAULT 0,
  bundle_id           TEXT,
  version             INTEGER NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE INDEX dossiers_owner ON dossiers (owner_account, submitted_at);
CREATE INDEX dossiers_handling ON dossiers (handling_path, status, due_at);
CREATE INDEX dossiers_agency ON dossiers (agency_path, status, due_at);
CREATE INDEX dossiers_due ON dossiers (status, due_at);
CREATE INDEX dossiers_bundle ON dossiers (bundle_id);

CREATE TABLE dossier_events (
  dossier_id  TEXT NOT NULL REFERENCES dossiers (id),
  seq         INTEGER NOT NULL,
  at          TEXT NOT NULL,
  action      TEXT NOT NULL,
  status_from INTEGER,
  status_to   INTEGER NOT NULL,
  stage       TEXT NOT NULL,
  actor_id    TEXT NOT NULL DEFAULT '',
  actor_name  TEXT NOT NULL DEFAULT '',
  actor_role  TEXT NOT NULL DEFAULT '',
  agency_id   TEXT,
  agency_name TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  data        TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (dossier_id, seq)
);

-- Gap-free daily sequence per receiving agency; incremented in the submitting transaction.
CREATE TABLE dossier_sequences (
  agency_id TEXT NOT NULL,
  day       TEXT NOT NULL,
  last      INTEGER NOT NULL,
  PRIMARY KEY (agency_id, day)
);

CREATE TABLE idempotency_keys (
  account_id   TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  dossier_id   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (account_id, key)
);

-- Other agencies drawn in: consulted (xin ý kiến) or transferred to (liên thông), with deadlines.
CREATE TABLE dossier_participants (
  dossier_id  TEXT NOT NULL REFERENCES dossiers (id),
  agency_id   TEXT NOT NULL REFERENCES agencies (id),
  agency_path TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('consulted', 'transferred')),
  request     TEXT NOT NULL DEFAULT '',
  due_at      TEXT,
  answered_at TEXT,
  answer      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (dossier_id, agency_id, role)
);
CREATE INDEX dossier_participants_agency ON dossier_participants (agency_path);

-- Per-step timing: when each step started, its allotted deadline and when it ended (index 2).
CREATE TABLE dossier_steps (
  dossier_id   TEXT NOT NULL REFERENCES dossiers (id),
  seq          INTEGER NOT NULL,
  step         TEXT NOT NULL,
  agency_id    TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  due_at       TEXT,
  finished_at  TEXT,
  late_minutes INTEGER,
  PRIMARY KEY (dossier_id, seq)
);

CREATE TABLE dossier_drafts (
  id             TEXT PRIMARY KEY,
  owner_account  TEXT NOT NULL,
  procedure_code TEXT NOT NULL,
  body           TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX dossier_drafts_owner ON dossier_drafts (owner_account, updated_at);

-- Decree 61/2018 Art. 31 rating, once per dossier, editable for 7 days.
CREATE TABLE dossier_ratings (
  dossier_id TEXT PRIMARY KEY REFERENCES dossiers (id),
  account_id TEXT NOT NULL,
  overall    INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 3),
  criteria   TEXT NOT NULL,
  comment    TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE dossier_bundles (
  id            TEXT PRIMARY KEY,
  bundle_code   TEXT NOT NULL,
  owner_account TEXT NOT NULL,
  created_at    TEXT NOT NULL
);
