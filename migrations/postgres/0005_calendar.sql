-- The working calendar (DOMAIN.md §3.8): dates that break the weekly rule, and per-agency
-- working hours. Shipped holidays are inserted at start-up when their date has no row, so an
-- administrator's change (or removal: kind 'normal') is never overwritten.
CREATE TABLE calendar_days (
  day        TEXT PRIMARY KEY,          -- YYYY-MM-DD, Vietnam's local date
  kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'working_day', 'normal')),
  name       TEXT NOT NULL DEFAULT '',
  name_en    TEXT NOT NULL DEFAULT '',
  source     TEXT NOT NULL CHECK (source IN ('shipped', 'admin')),
  confirmed  INTEGER NOT NULL DEFAULT 1,
  updated_by TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);

CREATE TABLE agency_working_hours (
  agency_id       TEXT PRIMARY KEY REFERENCES agencies (id),
  morning_start   INTEGER NOT NULL,     -- minutes after local midnight
  morning_end     INTEGER NOT NULL,
  afternoon_start INTEGER NOT NULL,
  afternoon_end   INTEGER NOT NULL,
  updated_by      TEXT NOT NULL DEFAULT '',
  updated_at      TEXT NOT NULL
);
