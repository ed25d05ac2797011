-- The administrative-procedure catalog (CSDL quốc gia về TTHC). Each procedure keeps every
-- version of its national LayThuTuc record as it was imported or edited; what motcua needs
-- for search and display is read out of the record in memory (catalog/record.hpp).
CREATE TABLE catalog_fields (
  code    TEXT PRIMARY KEY,          -- MALINHVUC, e.g. G11-HT
  name    TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT ''
);

CREATE TABLE procedures (
  code              TEXT PRIMARY KEY,  -- MATTHC, e.g. 1.001193
  status            TEXT NOT NULL CHECK (status IN ('draft', 'published', 'suspended', 'repealed')),
  latest_version    INTEGER NOT NULL,
  published_version INTEGER,           -- the version citizens see; NULL while never published
  publisher_code    TEXT NOT NULL DEFAULT '',
  name              TEXT NOT NULL,
  decision_date     TEXT NOT NULL DEFAULT '',
  published_at      TEXT,
  updated_at        TEXT NOT NULL
);
CREATE INDEX procedures_publisher ON procedures (publisher_code);

CREATE TABLE procedure_versions (
  code       TEXT NOT NULL REFERENCES procedures (code),
  version    INTEGER NOT NULL,
  record     TEXT NOT NULL,            -- the LayThuTuc JSON object
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (code, version)
);

-- Lifecycle changes, append-only.
CREATE TABLE procedure_events (
  id         TEXT PRIMARY KEY,
  code       TEXT NOT NULL REFERENCES procedures (code),
  version    INTEGER NOT NULL,
  action     TEXT NOT NULL,            -- imported | created | edited | published | suspended | repealed
  at         TEXT NOT NULL,
  by_account TEXT NOT NULL DEFAULT ''
);
CREATE INDEX procedure_events_code ON procedure_events (code, at);

CREATE TABLE catalog_faq (
  id             TEXT PRIMARY KEY,
  question       TEXT NOT NULL,
  answer         TEXT NOT NULL,
  question_en    TEXT NOT NULL DEFAULT '',
  answer_en      TEXT NOT NULL DEFAULT '',
  procedure_code TEXT,
  field_code     TEXT,
  published      INTEGER NOT NULL DEFAULT 1,
  updated_at     TEXT NOT NULL
);

CREATE TABLE catalog_bundles (
  code   TEXT PRIMARY KEY,
  record TEXT NOT NULL                 -- name, name_en, description, procedure_codes, legal_basis
);

-- Bumped by every change; each node rebuilds its search index when it sees a new value.
CREATE TABLE catalog_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation BIGINT NOT NULL
);
INSERT INTO catalog_state (id, generation) VALUES (1, 0);
