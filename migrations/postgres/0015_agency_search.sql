-- Agency search that ignores case and Vietnamese diacritics ("so tu phap" finds "Sở Tư pháp"):
-- the folded code, name and English name (text::Fold), written with the row; rows from before
-- this column are filled at start-up (identity::store::FillAgencySearchKeys).
ALTER TABLE agencies ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
