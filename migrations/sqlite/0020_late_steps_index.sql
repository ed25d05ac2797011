-- The deadline watcher looks every minute for steps still open past their allotted time that it
-- has not yet recorded as late. Without an index that was a scan of every step ever taken; the
-- index holds only the open steps not yet recorded, in due order.
CREATE INDEX dossier_steps_open ON dossier_steps (due_at, dossier_id, seq) WHERE finished_at IS NULL AND late_minutes IS NULL;
