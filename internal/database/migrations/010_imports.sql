-- Imports (导入): departments' lists read into the register, the decisions
-- people take on what disagrees, and the layouts departments take data back
-- out in (一次采集、多方共享).

-- Each import is a record: who, when, which file (by its SHA-256), where the
-- rows went and what became of them. rows_done is the checkpoint: the rows
-- of the file, in order, whose effects are committed; it moves in the same
-- transaction as those effects, so an interrupted import resumes exactly
-- there. An import may target a unit above the communities (the file then
-- names each row's community), so it is keyed by its own id; community_id
-- is set when the target lies in one community.
CREATE TABLE imports (
    id BIGINT PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    community_id BIGINT,
    department TEXT NOT NULL REFERENCES departments (code),
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    format TEXT NOT NULL,            -- xlsx, csv
    encoding TEXT NOT NULL DEFAULT '',
    spool_path TEXT NOT NULL DEFAULT '', -- the uploaded file kept until the import ends
    layout TEXT NOT NULL,            -- JSON: sheets, header rows, column labels and the fields they map to
    options TEXT NOT NULL DEFAULT '{}', -- JSON: tag kind, residence of new persons, batch size
    status TEXT NOT NULL,            -- pending, running, done, failed
    message TEXT NOT NULL DEFAULT '',
    rows_total INTEGER NOT NULL DEFAULT 0,
    rows_done INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0,
    merged INTEGER NOT NULL DEFAULT 0,
    queued INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    user_id BIGINT,
    user_name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    started_at TEXT NOT NULL DEFAULT '',
    finished_at TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX imports_hash ON imports (file_hash, department, unit_id);
CREATE INDEX imports_unit ON imports (unit_id, created_at);
CREATE INDEX imports_status ON imports (status);

-- Rows an import could not take, with the row's cells as read and the
-- reason, for the rejected-rows download. seq is the row's place among the
-- rows the import handled.
CREATE TABLE import_rejects (
    import_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    sheet INTEGER NOT NULL,
    row_num INTEGER NOT NULL,
    cells TEXT NOT NULL,             -- JSON array of the row's texts
    columns TEXT NOT NULL DEFAULT '[]', -- JSON array: indexes of the cells at fault
    reason TEXT NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- The conflict queue (待核实): rows a person must decide. kind identity: a
-- register person resembles the row (score between the thresholds) but the
-- ID numbers differ; kind fields: the row is that person, but some fields
-- disagree and no source rule decides. key identifies what the conflict is
-- about, so that the same data imported again is recognised.
CREATE TABLE import_conflicts (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    grid_id BIGINT,
    org_id BIGINT NOT NULL,
    import_id BIGINT NOT NULL,
    department TEXT NOT NULL,
    kind TEXT NOT NULL,              -- identity, fields
    person_id BIGINT NOT NULL DEFAULT 0,
    score REAL NOT NULL DEFAULT 0,
    key TEXT NOT NULL,
    incoming TEXT NOT NULL,          -- JSON: the row as read and normalised
    fields TEXT NOT NULL,            -- JSON: [{field, label, register, incoming}]
    sheet TEXT NOT NULL DEFAULT '',
    row_num INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,            -- open, resolved, superseded
    resolution TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    resolved_at TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX import_conflicts_open ON import_conflicts (status, community_id, id);
CREATE INDEX import_conflicts_key ON import_conflicts (key, status);
CREATE INDEX import_conflicts_person ON import_conflicts (person_id, status);
CREATE INDEX import_conflicts_import ON import_conflicts (import_id);
CREATE INDEX import_conflicts_id ON import_conflicts (id);

-- Values a person decided to leave out (保留登记值): the same value coming
-- again, from any department, is not queued again.
CREATE TABLE import_declined (
    community_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    department TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (community_id, person_id, field, value)
);
CREATE INDEX import_declined_person ON import_declined (person_id);

-- Identity decisions: the number a department uses for a register person
-- (person_id), or 0 when the department's row is not ours to take.
CREATE TABLE import_links (
    department TEXT NOT NULL,
    id_number TEXT NOT NULL,
    community_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (department, id_number)
);

-- Column mappings per department: how the department names its columns
-- (label, normalised) and the register field each holds ('' to ignore it).
-- Saved whenever an import is started, so the next file maps by itself.
CREATE TABLE import_mappings (
    department TEXT NOT NULL REFERENCES departments (code),
    label TEXT NOT NULL,
    field TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (department, label)
);

-- Which source wins for which field (字段权威来源). rule: source — the
-- department's value replaces the register's; register — the register's
-- value stays (the department's fills it only when empty); review — a
-- person decides. entity person names a person field, entity tag a tag
-- kind. '*' as department or field matches any; the most specific row wins,
-- and without one the rule is review.
CREATE TABLE import_source_rules (
    department TEXT NOT NULL,
    entity TEXT NOT NULL,
    field TEXT NOT NULL,
    rule TEXT NOT NULL,
    PRIMARY KEY (department, entity, field)
);
INSERT INTO import_source_rules (department, entity, field, rule) VALUES
    -- 公安 keeps household registration: names, ethnicity, hukou, relations.
    ('police', 'person', 'name', 'source'),
    ('police', 'person', 'id_number', 'source'),
    ('police', 'person', 'gender', 'source'),
    ('police', 'person', 'birth_date', 'source'),
    ('police', 'person', 'ethnicity', 'source'),
    ('police', 'person', 'hukou_address', 'source'),
    ('police', 'person', 'relation', 'source'),
    ('police', 'person', 'residence', 'source'),
    -- Each department decides who belongs to its own groups.
    ('civil', 'tag', 'dibao', 'source'),
    ('civil', 'tag', 'tekun', 'source'),
    ('civil', 'tag', 'living_alone', 'source'),
    ('health', 'tag', 'childbearing', 'source'),
    ('health', 'tag', 'pregnant', 'source'),
    ('disabled', 'tag', 'disabled', 'source'),
    ('labour', 'tag', 'unemployed', 'source'),
    ('labour', 'person', 'occupation', 'source'),
    ('veterans', 'tag', 'veteran', 'source'),
    ('veterans', 'tag', 'preferential', 'source'),
    ('justice', 'tag', 'correction', 'source'),
    ('justice', 'tag', 'released', 'source'),
    -- Where people live now is what grid workers see at the door.
    ('*', 'person', 'address', 'register'),
    ('*', 'person', 'moved_in_on', 'register');

-- Import settings per department: the tag kind its lists are about and the
-- 人口类别 of persons it brings that the register does not know.
CREATE TABLE import_profiles (
    department TEXT PRIMARY KEY REFERENCES departments (code),
    tag TEXT NOT NULL DEFAULT '',
    residence TEXT NOT NULL DEFAULT ''
);
INSERT INTO import_profiles (department, tag, residence) VALUES
    ('police', '', 'registered'),
    ('civil', 'dibao', 'registered'),
    ('health', 'childbearing', 'resident'),
    ('disabled', 'disabled', 'resident'),
    ('labour', 'unemployed', 'resident'),
    ('veterans', 'veteran', 'registered'),
    ('justice', 'correction', 'resident'),
    ('zongzhi', '', 'resident');

-- Export layouts (导出模板): a department's own columns, in its order and
-- with its headers, over the fields its role may see.
CREATE TABLE export_templates (
    id BIGINT PRIMARY KEY,
    department TEXT NOT NULL REFERENCES departments (code),
    name TEXT NOT NULL,
    tag TEXT NOT NULL DEFAULT '',    -- only persons holding this tag now ('' for everyone)
    columns TEXT NOT NULL,           -- JSON [{field, header}]
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    UNIQUE (department, name)
);
INSERT INTO export_templates (id, department, name, tag, columns, updated_at) VALUES
    (1001, 'police', '户籍人口登记表', '', '[{"field":"household_number","header":"户号"},{"field":"name","header":"姓名"},{"field":"gender","header":"性别"},{"field":"ethnicity","header":"民族"},{"field":"birth_date","header":"出生日期"},{"field":"id_number","header":"公民身份号码"},{"field":"relation","header":"与户主关系"},{"field":"hukou_address","header":"户籍地址"},{"field":"address","header":"现住址"}]', '2026-01-01T00:00:00Z'),
    (1002, 'civil', '低保对象花名册', 'dibao', '[{"field":"name","header":"姓名"},{"field":"id_number","header":"身份证号码"},{"field":"relation","header":"与户主关系"},{"field":"tag_started_on","header":"批准日期"},{"field":"address","header":"家庭住址"},{"field":"phone","header":"联系电话"}]', '2026-01-01T00:00:00Z'),
    (1003, 'health', '育龄妇女花名册', 'childbearing', '[{"field":"name","header":"姓名"},{"field":"id_number","header":"身份证号"},{"field":"birth_date","header":"出生日期"},{"field":"residence","header":"人口类别"},{"field":"address","header":"现居住地址"},{"field":"phone","header":"联系电话"}]', '2026-01-01T00:00:00Z'),
    (1004, 'disabled', '残疾人名册', 'disabled', '[{"field":"name","header":"姓名"},{"field":"gender","header":"性别"},{"field":"id_number","header":"身份证号"},{"field":"tag_note","header":"残疾类别及等级"},{"field":"tag_started_on","header":"发证日期"},{"field":"address","header":"现住址"},{"field":"phone","header":"联系电话"}]', '2026-01-01T00:00:00Z');

-- Change-feed cursors (变更订阅): how far a department's system pulling
-- /api/v1/feed has confirmed it read (its token's user and grant).
CREATE TABLE feed_cursors (
    user_id BIGINT NOT NULL,
    grant_id BIGINT NOT NULL,        -- 0: a token acting with all its user's grants
    acked BIGINT NOT NULL DEFAULT 0, -- the last change event id confirmed
    sent BIGINT NOT NULL DEFAULT 0,  -- the last change event id handed out
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, grant_id)
);

INSERT INTO permissions (code, name, sort) VALUES
    ('register.import', '导入部门数据到基础信息', 50),
    ('imports.resolve', '核实导入冲突', 55),
    ('exports.department', '按部门模板导出(留痕)', 60);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'register.import'), ('admin', 'imports.resolve'), ('admin', 'exports.department'),
    ('district_operator', 'register.import'), ('district_operator', 'imports.resolve'),
    ('street_operator', 'register.import'), ('street_operator', 'imports.resolve'),
    ('community_head', 'register.import'), ('community_head', 'imports.resolve'),
    ('community_staff', 'register.import'), ('community_staff', 'imports.resolve'),
    ('dept_police', 'exports.department'), ('dept_civil', 'exports.department'),
    ('dept_health', 'exports.department'), ('dept_labour', 'exports.department'),
    ('dept_disabled', 'exports.department'), ('dept_justice', 'exports.department'),
    ('dept_veterans', 'exports.department'), ('dept_zongzhi', 'exports.department');
