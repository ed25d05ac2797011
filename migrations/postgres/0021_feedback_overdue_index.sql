-- The feedback deadline watcher looks every minute, in due order, for open items past their
-- date whose agency it has not yet told. Without an index that was a scan of every item ever
-- received; the index holds only the open items not yet told, in due order.
CREATE INDEX feedback_overdue_watch ON feedback (due_at, id)
  WHERE overdue_noticed = 0 AND status IN ('received', 'registered', 'classified', 'transferred', 'processing');
