-- Per-procedure configurations: a number that grows with every save. A submission reads it
-- instead of the whole configuration (tens of KB with its e-forms) to know whether the plan it
-- built from the configuration is still current.
ALTER TABLE procedure_configs ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
