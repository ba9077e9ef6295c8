-- The audit log (审计日志): who saw, revealed, searched, exported or changed
-- what, and every login and failed login. It is append-only: the system
-- has no way to edit or delete an entry, and triggers (007) refuse UPDATE
-- and DELETE from anyone else too. It may hold what a user searched for —
-- it is itself personal data, readable only with audit.read.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    user_id BIGINT,                 -- NULL for a failed login with an unknown name
    user_name TEXT NOT NULL DEFAULT '',
    addr TEXT NOT NULL DEFAULT '',  -- the client's address
    action TEXT NOT NULL,           -- login, login_failed, logout, view, reveal, search, export, create, update, delete, denied, …
    entity TEXT NOT NULL DEFAULT '',
    entity_id BIGINT,
    community_id BIGINT,
    route TEXT NOT NULL DEFAULT '', -- the route pattern, e.g. GET /persons/{id}
    status INTEGER NOT NULL DEFAULT 0,
    rows INTEGER,                   -- rows returned by a search or export
    detail TEXT NOT NULL DEFAULT '' -- what was searched for, which fields were revealed, …
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_action ON audit_log (action, at);
