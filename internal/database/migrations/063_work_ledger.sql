-- 费随事转: the work a community did for each catalogue item in a month, as
-- its staff record it, and the money departments paid it. What is owed
-- follows from the items' funding rules; nothing owed is stored.

CREATE TABLE work_done (
    community_id BIGINT NOT NULL REFERENCES org_units (id),
    item_id BIGINT NOT NULL REFERENCES work_items (id),
    period TEXT NOT NULL,                -- YYYY-MM
    occurrences INTEGER NOT NULL CHECK (occurrences >= 0),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, item_id, period)
);
CREATE INDEX work_done_period ON work_done (period);

CREATE TABLE work_funds (
    id BIGINT PRIMARY KEY,
    department TEXT NOT NULL REFERENCES departments (code),
    community_id BIGINT NOT NULL REFERENCES org_units (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    received_on TEXT NOT NULL,           -- YYYY-MM-DD
    voucher TEXT NOT NULL DEFAULT '',    -- 凭证号 or wording
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX work_funds_community ON work_funds (community_id, received_on);
