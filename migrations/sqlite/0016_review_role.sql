-- Per-procedure process definitions (docs/dossier.md "Procedure configuration", `workflow`):
-- the officer role that acts at the review step a dossier is at (status 4), NULL elsewhere.
-- The officer inbox's approve box lists dossiers whose review role the officer holds, without
-- reading the procedures' configurations. Dossiers from before this column were all at the
-- default process, whose one review (`awaiting_approval`) is a leader's.
ALTER TABLE dossiers ADD COLUMN review_role TEXT;
UPDATE dossiers SET review_role = 'leader' WHERE status = 4 AND stage = 'awaiting_approval';
