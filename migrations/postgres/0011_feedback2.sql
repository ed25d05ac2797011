-- Feedback, second part (docs/feedback.md): a petitioner without an account follows the item on
-- the web with its code and the secret lookup key given at submission (only the key's SHA-256
-- is kept); an Open311 key records when it was last used.
ALTER TABLE feedback ADD COLUMN lookup_key_hash TEXT;
ALTER TABLE open311_keys ADD COLUMN last_used_at TEXT;
