-- Group commits (db::Connection::GroupCommit): a transaction commits without waiting for the
-- disk, so that the locks it holds are not held through the flush, and its connection then
-- commits one small durable write of its own, which flushes the WAL up to both. One row per
-- server process (backend), so these writes never wait for one another; at most as many rows as
-- the server has had processes, each a few dozen bytes.
CREATE TABLE commit_barriers (
  backend INTEGER PRIMARY KEY,
  n BIGINT NOT NULL
);
