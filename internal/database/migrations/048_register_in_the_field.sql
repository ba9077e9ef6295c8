-- The register kept in the field: a person who leaves the community (迁出)
-- or dies keeps the date and, for a move, where to, so that reports' 期内减少
-- items and the person's page say when and where; a special-group tag keeps
-- the evidence it was granted on (a document's number or file reference).
ALTER TABLE persons ADD COLUMN left_on TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN left_to TEXT NOT NULL DEFAULT '';
ALTER TABLE person_tags ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
