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
  n             BIGINT NOT NULL,
  PRIMARY KEY (member_code, MaTTHC, TrangThaiHoSo, day)
);

INSERT INTO national_stats (member_code, MaTTHC, TrangThaiHoSo, day, n)
SELECT member_code, MaTTHC, TrangThaiHoSo, substr(COALESCE(NgayTiepNhan, NgayNopHoSo, ''), 1, 8), COUNT(*)
FROM national_dossiers GROUP BY 1, 2, 3, 4;

-- Statement triggers with transition tables: one aggregated write per batch statement, from
-- the row versions the statement really replaced (under concurrent ingests, the locked latest).
-- The INSERT and UPDATE triggers of one upsert each write buckets; the transaction-scoped
-- advisory lock makes concurrent ingests take the roll-up one at a time, so two of them never
-- hold buckets the other waits for (no deadlock). Lock key: 0x4d43 0x5354 ("MC", "ST").
CREATE FUNCTION national_stats_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(19779, 21332);
  IF TG_OP = 'INSERT' THEN
    INSERT INTO national_stats (member_code, MaTTHC, TrangThaiHoSo, day, n)
    SELECT member_code, MaTTHC, TrangThaiHoSo, substr(COALESCE(NgayTiepNhan, NgayNopHoSo, ''), 1, 8), COUNT(*)
    FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (member_code, MaTTHC, TrangThaiHoSo, day) DO UPDATE SET n = national_stats.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO national_stats (member_code, MaTTHC, TrangThaiHoSo, day, n)
    SELECT member_code, MaTTHC, TrangThaiHoSo, day, SUM(d) FROM (
      SELECT member_code, MaTTHC, TrangThaiHoSo, substr(COALESCE(NgayTiepNhan, NgayNopHoSo, ''), 1, 8) AS day, 1 AS d FROM new_rows
      UNION ALL
      SELECT member_code, MaTTHC, TrangThaiHoSo, substr(COALESCE(NgayTiepNhan, NgayNopHoSo, ''), 1, 8), -1 FROM old_rows) x
    GROUP BY 1, 2, 3, 4 HAVING SUM(d) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (member_code, MaTTHC, TrangThaiHoSo, day) DO UPDATE SET n = national_stats.n + excluded.n;
  ELSE
    INSERT INTO national_stats (member_code, MaTTHC, TrangThaiHoSo, day, n)
    SELECT member_code, MaTTHC, TrangThaiHoSo, substr(COALESCE(NgayTiepNhan, NgayNopHoSo, ''), 1, 8), -COUNT(*)
    FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (member_code, MaTTHC, TrangThaiHoSo, day) DO UPDATE SET n = national_stats.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER national_stats_on_insert AFTER INSERT ON national_dossiers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION national_stats_apply();
CREATE TRIGGER national_stats_on_update AFTER UPDATE ON national_dossiers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION national_stats_apply();
CREATE TRIGGER national_stats_on_delete AFTER DELETE ON national_dossiers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION national_stats_apply();
