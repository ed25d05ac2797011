-- Status synchronisation with the national portal (DOMAIN.md §2.6, docs/sync.md).
--
-- Member side: every dossier event gets a row in sync_outbox in the same transaction, written
-- by a trigger on dossier_events (so the dossier module needs no knowledge of synchronisation
-- and no code path that appends an event can forget it). The relay publishes each row to NATS
-- JetStream with Nats-Msg-Id = the member code, the row id and its generation (a re-sync
-- raises the generation so the stream's duplicate window does not swallow it), then marks it
-- sent.
CREATE TABLE sync_outbox (
  id         TEXT PRIMARY KEY,            -- '<dossier id>:<event seq>'
  dossier_id TEXT NOT NULL,
  seq        INTEGER NOT NULL,            -- dossier_events.seq: the per-dossier order
  created_at TEXT NOT NULL,               -- the event's instant
  generation INTEGER NOT NULL DEFAULT 0,  -- raised by a re-sync
  sent_at    TEXT
);
CREATE INDEX sync_outbox_pending ON sync_outbox (created_at, dossier_id, seq) WHERE sent_at IS NULL;
CREATE INDEX sync_outbox_sent ON sync_outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Named leases of background jobs (the relay): one holder at a time across nodes.
CREATE TABLE sync_leases (
  name   TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until  TEXT NOT NULL
);

-- Portal side: the members (provinces, ministries, third-party one-stop systems). The member
-- code is the level-1 code of Decision 20/2020 (H41, G09…): a member may only send dossiers
-- whose code names one of its agencies. client_id ties an OAuth client to a member for the
-- HTTP sync API.
CREATE TABLE sync_members (
  code           TEXT PRIMARY KEY,
  name           TEXT NOT NULL DEFAULT '',
  client_id      TEXT UNIQUE,
  events         INTEGER NOT NULL DEFAULT 0,
  rejected       INTEGER NOT NULL DEFAULT 0,
  last_event_at  TEXT,                    -- the member's clock (its event instants)
  last_ingest_at TEXT,                    -- ours
  created_at     TEXT NOT NULL
);

-- The national view: the latest DongBoHoSoMC record of each dossier (field names as the
-- national portal spells them) and every CapNhatTienDoHoSoMC progress record. `seq` is the
-- member's per-dossier event order: an older record never overwrites a newer one.
CREATE TABLE national_dossiers (
  member_code     TEXT NOT NULL,
  MaHoSo          TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  event_id        TEXT NOT NULL,
  MaTTHC          TEXT NOT NULL,
  TenTTHC         TEXT NOT NULL DEFAULT '',
  MaLinhVuc       TEXT NOT NULL DEFAULT '',
  TenLinhVuc      TEXT NOT NULL DEFAULT '',
  KenhThucHien    INTEGER,
  ChuHoSo         TEXT NOT NULL DEFAULT '',
  SoGiayToChuHoSo TEXT NOT NULL DEFAULT '',
  LoaiDoiTuong    INTEGER,
  TrichYeuHoSo    TEXT NOT NULL DEFAULT '',
  NgayNopHoSo     TEXT,                   -- yyyyMMddHHmmss, Asia/Ho_Chi_Minh (as sent)
  NgayTiepNhan    TEXT,
  NgayHenTra      TEXT,
  TrangThaiHoSo   INTEGER NOT NULL,
  NgayTra         TEXT,
  NgayKetThucXuLy TEXT,
  NgayTuChoi      TEXT,
  DonViXuLy       TEXT NOT NULL DEFAULT '',
  record          TEXT NOT NULL,          -- the whole DongBoHoSoMC record (JSON)
  event_at        TEXT NOT NULL,          -- the member's instant of the event
  ingested_at     TEXT NOT NULL,
  PRIMARY KEY (member_code, MaHoSo)
);
CREATE INDEX national_dossiers_code ON national_dossiers (MaHoSo);
CREATE INDEX national_dossiers_owner ON national_dossiers (SoGiayToChuHoSo);
CREATE INDEX national_dossiers_status ON national_dossiers (member_code, TrangThaiHoSo);
CREATE INDEX national_dossiers_procedure ON national_dossiers (MaTTHC, TrangThaiHoSo);

CREATE TABLE national_progress (
  member_code            TEXT NOT NULL,
  MaHoSo                 TEXT NOT NULL,
  event_key              TEXT NOT NULL,   -- 'seq:<n>', or a digest of a record sent without one
  seq                    INTEGER,
  NguoiXuLy              TEXT NOT NULL DEFAULT '',
  ChucDanh               TEXT NOT NULL DEFAULT '',
  ThoiDiemXuLy           TEXT NOT NULL,
  PhongBanXuLy           TEXT NOT NULL DEFAULT '',
  NoiDungXuLy            TEXT NOT NULL DEFAULT '',
  TrangThai              INTEGER NOT NULL,
  NgayBatDau             TEXT,
  NgayKetThucTheoQuyDinh TEXT,
  ingested_at            TEXT NOT NULL,
  PRIMARY KEY (member_code, MaHoSo, event_key)
);

CREATE TRIGGER sync_outbox_on_event AFTER INSERT ON dossier_events
BEGIN
  INSERT INTO sync_outbox (id, dossier_id, seq, created_at)
  VALUES (NEW.dossier_id || ':' || NEW.seq, NEW.dossier_id, NEW.seq, NEW.at);
END;
