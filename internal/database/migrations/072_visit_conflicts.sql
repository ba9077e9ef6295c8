-- A correction a phone made offline whose base version is older than the
-- register's: it is not applied. The visit is saved with its other parts;
-- each conflicting correction waits here, with both values, their times and
-- authors, for the worker or the supervisor to decide: keep the register's
-- value, or apply the visit's (an override, flagged for review until a
-- supervisor has looked at it). One row per visit and fact, so that a batch
-- sent twice makes no second conflict.
CREATE TABLE visit_conflicts (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    visit_id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    grid_id BIGINT,
    entity TEXT NOT NULL CHECK (entity IN ('household', 'person')),
    entity_id BIGINT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('phone', 'status')),
    base_version INTEGER NOT NULL,          -- the version the phone read
    register_version INTEGER NOT NULL,      -- the register's when the visit came in
    visit_value TEXT NOT NULL,              -- JSON of the visit's correction
    register_value TEXT NOT NULL DEFAULT '',
    register_by TEXT NOT NULL DEFAULT '',   -- who changed the register meanwhile
    register_at TEXT NOT NULL DEFAULT '',
    visit_by TEXT NOT NULL,
    visit_author_id BIGINT,
    visit_at TEXT NOT NULL,                 -- the phone's clock, else the day visited
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'applied')),
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT NOT NULL DEFAULT '',   -- the supervisor who reviewed an override
    reviewed_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, visit_id, entity, entity_id, field)
);
CREATE INDEX visit_conflicts_open ON visit_conflicts (community_id, status, created_at);
CREATE INDEX visit_conflicts_id ON visit_conflicts (id);
