-- A person may be registered before any document number is known (a child
-- not yet in a 户口簿, a 流动人口 without papers): doc_type 'none' and an
-- empty id_number. Numbers stay unique where there is one; the empty ones
-- are nobody's number.
--
-- SQLite cannot drop a table's UNIQUE constraint, so the table is built
-- again without it. Inside the migration's transaction the foreign keys of
-- rental_tenants and person_tags cannot be switched off; they are deferred
-- instead: dropping persons leaves their rows without a parent for a while,
-- and putting the persons back gives each its parent again before the
-- commit checks. The copy goes through SELECT *, so a column added to
-- persons by an earlier migration but missing below makes this fail rather
-- than vanish.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE persons_051 AS SELECT * FROM persons;
DROP TABLE persons;

CREATE TABLE persons (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    household_id BIGINT,
    org_id BIGINT NOT NULL REFERENCES org_units (id),
    grid_id BIGINT,
    name TEXT NOT NULL,
    doc_type TEXT NOT NULL DEFAULT 'resident_id', -- 'none' while no document is known
    id_number TEXT NOT NULL,                     -- '' when doc_type is 'none'
    gender TEXT NOT NULL,                        -- M, F
    birth_date TEXT NOT NULL,
    ethnicity TEXT NOT NULL DEFAULT '',          -- GB/T 3304 code
    relation TEXT NOT NULL DEFAULT '',           -- GB/T 4761 code, relation to the household head
    residence TEXT NOT NULL,                     -- registered 户籍, resident 常住, floating 流动, overseas 境外
    phone TEXT NOT NULL DEFAULT '',
    hukou_address TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    employer_id BIGINT,                          -- organisations.id; may lie in another community
    occupation TEXT NOT NULL DEFAULT '',
    moved_in_on TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',       -- active, moved_out, deceased
    search TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    left_on TEXT NOT NULL DEFAULT '',             -- 048: the day a person left (迁出) or died
    left_to TEXT NOT NULL DEFAULT '',             -- 048: where a person moved to
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, household_id) REFERENCES households (community_id, id)
);
INSERT INTO persons SELECT * FROM persons_051;
DROP TABLE persons_051;

CREATE UNIQUE INDEX persons_document ON persons (community_id, doc_type, id_number) WHERE id_number <> '';
CREATE INDEX persons_id ON persons (id);
CREATE INDEX persons_id_number ON persons (id_number);
CREATE INDEX persons_household ON persons (community_id, household_id);
CREATE INDEX persons_org ON persons (org_id);
CREATE INDEX persons_employer ON persons (employer_id);
CREATE INDEX persons_grid ON persons (grid_id, residence, status, name, id_number, phone, id);
CREATE INDEX persons_report ON persons (community_id, id, household_id, grid_id, org_id, employer_id,
    gender, residence, status, birth_date, ethnicity, relation);
