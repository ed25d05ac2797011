-- Consumer lag per member (docs/sync.md): the stream sequence of the last message the portal
-- took from each member's subject (stored or refused), against the stream's last message on
-- that subject.
ALTER TABLE sync_members ADD COLUMN last_stream_seq INTEGER NOT NULL DEFAULT 0;
