-- Two processes writing the audit log (the server and `shequ import`) make
-- ids from generators with a random 4-bit node, and collide one time in 16
-- when they write in the same millisecond. Each audit writer now stamps its
-- entries with its own random 63-bit number, and an entry is keyed on
-- (id, writer): two writers no longer collide, and a writer that retries a
-- batch whose commit it did not see confirmed can insert it again with
-- ON CONFLICT DO NOTHING, neither losing nor doubling an entry. Entries
-- written before carry writer 0.
--
-- SQLite cannot change a primary key in place: the table is built again.
-- DROP TABLE fires no DELETE trigger, and the append-only triggers are
-- made again below.
CREATE TABLE audit_log_keyed (
    id BIGINT NOT NULL,
    writer BIGINT NOT NULL DEFAULT 0,
    at TEXT NOT NULL,
    user_id BIGINT,
    user_name TEXT NOT NULL DEFAULT '',
    addr TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    entity TEXT NOT NULL DEFAULT '',
    entity_id BIGINT,
    community_id BIGINT,
    route TEXT NOT NULL DEFAULT '',
    status INTEGER NOT NULL DEFAULT 0,
    rows INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (id, writer)
);
INSERT INTO audit_log_keyed (id, writer, at, user_id, user_name, addr, action, entity, entity_id, community_id,
    route, status, rows, detail)
SELECT id, 0, at, user_id, user_name, addr, action, entity, entity_id, community_id, route, status, rows, detail
FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_keyed RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志不可修改');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志不可删除');
END;
