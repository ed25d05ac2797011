-- National statistics roll-up (docs/sync.md): how many dossiers of each member and procedure
-- are in each status, by day of receipt (NgayTiepNhan, yyyyMMdd; the day of submission while a
-- dossier is not received yet; '' when it has neither). Kept by triggers on national_dossiers in
-- the writing statement's transaction, so every path that stores a record (NATS ingest, HTTP
-- sync API, re-sync) keeps it: a new record adds one, a status change moves one from the old
-- bucket to the new. /api/v1/national/stats reads only this table.
CREATE TABLE national_stats (
  member_code   TEXT NOT NULL,
  MaTTHC        TEXT NOT NULL,
  TrangThaiHoSo INTEGER NOT NULL,
  day           TEXT NOT NULL,
  n             INTEGER NOT NULL,
  PRIMARY KEY (member_code, MaTTHC, TrangThaiHoSo, day)
);

INSERT INTO national_stats (member_code, MaTTHC, TrangThaiHoSo, day, n)
SELECT member_code, MaTTHC, TrangThaiHoSo, substr(COALESCE(NgayTiepNhan, NgayNopHoSo, ''), 1, 8), COUNT(*)
FROM national_dossiers GROUP BY 1, 2, 3, 4;

-- SQLite has one writer at a time: row triggers see every change in order.
CREATE TRIGGER national_stats_on_insert AFTER INSERT ON national_dossiers
BEGIN
  INSERT INTO national_stats (member_code, MaTTHC, TrangThaiHoSo, day, n)
  VALUES (NEW.member_code, NEW.MaTTHC, NEW.TrangThaiHoSo, substr(COALESCE(NEW.NgayTiepNhan, NEW.NgayNopHoSo, ''), 1, 8), 1)
  ON CONFLICT (member_code, MaTTHC, TrangThaiHoSo, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER national_stats_on_update AFTER UPDATE ON national_dossiers
WHEN OLD.member_code IS NOT NEW.member_code OR OLD.MaTTHC IS NOT NEW.MaTTHC OR OLD.TrangThaiHoSo IS NOT NEW.TrangThaiHoSo
  OR substr(COALESCE(OLD.NgayTiepNhan, OLD.NgayNopHoSo, ''), 1, 8) IS NOT substr(COALESCE(NEW.NgayTiepNhan, NEW.NgayNopHoSo, ''), 1, 8)
BEGIN
  UPDATE national_stats SET n = n - 1
  WHERE member_code = OLD.member_code AND MaTTHC = OLD.MaTTHC AND TrangThaiHoSo = OLD.TrangThaiHoSo
    AND day = substr(COALESCE(OLD.NgayTiepNhan, OLD.NgayNopHoSo, ''), 1, 8);
  INSERT INTO national_stats (member_code, MaTTHC, TrangThaiHoSo, day, n)
  VALUES (NEW.member_code, NEW.MaTTHC, NEW.TrangThaiHoSo, substr(COALESCE(NEW.NgayTiepNhan, NEW.NgayNopHoSo, ''), 1, 8), 1)
  ON CONFLICT (member_code, MaTTHC, TrangThaiHoSo, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER national_stats_on_delete AFTER DELETE ON national_dossiers
BEGIN
  UPDATE national_stats SET n = n - 1
  WHERE member_code = OLD.member_code AND MaTTHC = OLD.MaTTHC AND TrangThaiHoSo = OLD.TrangThaiHoSo
    AND day = substr(COALESCE(OLD.NgayTiepNhan, OLD.NgayNopHoSo, ''), 1, 8);
END;
