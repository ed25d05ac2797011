-- Foundation: content-addressed blobs and the deployment's settings.
-- Instants are TEXT in RFC 3339 UTC with milliseconds (core/time.hpp), the same as SQLite.

CREATE TABLE blobs (
  sha256       TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  size_bytes   BIGINT NOT NULL CHECK (size_bytes >= 0),
  content_type TEXT NOT NULL,
  backend      TEXT NOT NULL CHECK (backend IN ('fs', 'postgres')),
  created_at   TEXT NOT NULL
);

-- Blob bytes for the PostgreSQL backend: 1 MiB chunks under a temporary key while a write is in
-- progress ('tmp:<uuid>'), renamed to the SHA-256 address when it commits.
CREATE TABLE blob_chunks (
  blob_key TEXT NOT NULL,
  seq      INTEGER NOT NULL CHECK (seq >= 0),
  data     BYTEA NOT NULL,
  PRIMARY KEY (blob_key, seq)
);

CREATE TABLE instance_settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
