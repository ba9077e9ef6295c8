-- 一表通: a department's request for data, item by item. What the register
-- computes becomes a subscription; the rest goes to the review group as one
-- 准入 request (work_request_id) and reaches no community unless admitted.

CREATE TABLE data_requests (
    id BIGINT PRIMARY KEY,
    department TEXT NOT NULL REFERENCES departments (code),
    title TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    period TEXT NOT NULL,                 -- the first period asked for: 2026-11, 2026-Q4 or 2026
    frequency TEXT NOT NULL CHECK (frequency IN ('month', 'quarter', 'year')),
    communities INTEGER NOT NULL,         -- under unit_id when submitted
    typed_minutes INTEGER NOT NULL,       -- staff time the typed items impose per period
    owed_fen BIGINT NOT NULL DEFAULT 0,
    work_request_id BIGINT REFERENCES work_requests (id),
    submitted_by TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX data_requests_department ON data_requests (department);

CREATE TABLE data_request_items (
    request_id BIGINT NOT NULL REFERENCES data_requests (id),
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,                   -- as the department wrote it
    kind TEXT NOT NULL CHECK (kind IN ('indicator', 'field', 'free')),
    ref TEXT NOT NULL DEFAULT '',         -- indicator code, or entity.field
    label TEXT NOT NULL DEFAULT '',
    computed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (request_id, seq)
);

-- minutes_per_item: the estimate of a community's time to type one item once.
CREATE TABLE data_request_settings (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO data_request_settings (name, value) VALUES ('minutes_per_item', 10);
