-- Foundation: content-addressed blobs and the deployment's settings.
-- Instants are TEXT in RFC 3339 UTC with milliseconds (core/time.hpp), sortable as text.

CREATE TABLE blobs (
  sha256       TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
  content_type TEXT NOT NULL,
  backend      TEXT NOT NULL CHECK (backend IN ('fs', 'postgres')),
  created_at   TEXT NOT NULL
);

-- Settings of this deployment (instance name shown in the portal header, demo flag, …).
CREATE TABLE instance_settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
