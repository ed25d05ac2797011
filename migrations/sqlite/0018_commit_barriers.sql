-- PostgreSQL's group commits write a row of commit_barriers after the commit to flush the WAL up
-- to it. SQLite's fsync the WAL file itself (db::Connection::GroupCommit) and need no table; this
-- file keeps the two engines' migration versions in step.
SELECT 1;
