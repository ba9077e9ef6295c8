-- The org tree managed in the browser: units are retired, never deleted
-- (households, reports and grants of the past still name them), and every
-- change to a unit — created, renamed, moved, merged, retired, a boundary
-- drawn, staff assigned or relieved — is one append-only row, so the
-- unit's page shows its history and the tree of a past period can be
-- rebuilt from the moves and their dates.
ALTER TABLE org_units ADD COLUMN retired_on TEXT;

CREATE TABLE org_changes (
    id BIGINT PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    at TEXT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,            -- web, cli, import:…
    op TEXT NOT NULL,                -- create, update, move, merge, retire, boundary, assign, unassign
    version INTEGER NOT NULL,        -- the unit's version after the change
    changes TEXT NOT NULL            -- JSON {"field": [before, after]}
);
CREATE INDEX org_changes_unit ON org_changes (unit_id, id);
-- Moves by date, for the tree as it stood in a past period.
CREATE INDEX org_changes_op ON org_changes (op, at);
