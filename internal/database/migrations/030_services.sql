-- One-stop service hall (一站式服务大厅): the catalogue of service items,
-- applications taken in at a window and handled across community, street
-- and district (代办, "1+3"), their history, certificates (证明) and the
-- service stations that serve several communities (一站多居).

-- A service station (便民服务站) and the communities it serves. A window
-- clerk's grant names the same communities; the station gives receipts and
-- certificates their letterhead.
CREATE TABLE service_stations (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units (id), -- the unit hosting it (a community or street)
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',                    -- the station's public number
    hours TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE service_station_communities (
    station_id BIGINT NOT NULL REFERENCES service_stations (id),
    community_id BIGINT NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (station_id, community_id)
);
CREATE INDEX service_station_communities_c ON service_station_communities (community_id);

-- The catalogue (服务事项目录): small and replicated, not community data.
-- materials and chain are JSON (see services/catalogue.go): materials
-- [{"code","name","note","register","optional"}], where register names the
-- register record that replaces a photocopy; chain [{"level","name","days"}].
CREATE TABLE service_items (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    department TEXT REFERENCES departments (code),  -- 主管部门
    conditions TEXT NOT NULL DEFAULT '',            -- 申请条件
    materials TEXT NOT NULL DEFAULT '[]',
    chain TEXT NOT NULL DEFAULT '[]',
    time_limit INTEGER NOT NULL,                    -- 法定时限, working days
    fee TEXT NOT NULL DEFAULT '',
    forms TEXT NOT NULL DEFAULT '',                 -- 申请表格
    basis TEXT NOT NULL DEFAULT '',                 -- 设定依据
    certificate TEXT NOT NULL DEFAULT '',           -- template issued on completion, if any
    active INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT ''
);

-- An application (办件). It lies where the applicant lives; the handling
-- chain and item name are copied at intake so later catalogue edits do not
-- rewrite a case in progress. progress is the public view of the history
-- (stage names and dates, nothing personal) kept with the row so that the
-- public lookup is one indexed read.
CREATE TABLE service_applications (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    grid_id BIGINT,
    org_id BIGINT NOT NULL,
    tracking_no TEXT NOT NULL,           -- 受理编号, public
    item_code TEXT NOT NULL REFERENCES service_items (code),
    item_name TEXT NOT NULL,
    chain TEXT NOT NULL,
    time_limit INTEGER NOT NULL,         -- 法定时限 in working days, as at intake
    station_id BIGINT,
    person_id BIGINT NOT NULL,
    household_id BIGINT,
    applicant TEXT NOT NULL,             -- name as at intake
    phone TEXT NOT NULL DEFAULT '',      -- for SMS
    phone_last4 TEXT NOT NULL DEFAULT '',
    proxy INTEGER NOT NULL DEFAULT 0,    -- 代办: staff carry it through every level
    agent_id BIGINT,                     -- 代办员 (users.id)
    agent TEXT NOT NULL DEFAULT '',
    materials TEXT NOT NULL,             -- JSON checklist
    status TEXT NOT NULL,                -- incomplete, processing, returned, approved, rejected
    stage INTEGER NOT NULL DEFAULT 0,    -- index into chain
    stage_level TEXT NOT NULL,           -- community, street, district: the queue it waits in
    stage_due TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD, working-day deadline of the stage
    due_on TEXT NOT NULL DEFAULT '',     -- YYYY-MM-DD, legal deadline of the whole case
    paused_days INTEGER NOT NULL DEFAULT 0, -- working days left when returned for materials
    accepted_on TEXT NOT NULL DEFAULT '',   -- 受理 (materials complete): the clock starts
    finished_on TEXT NOT NULL DEFAULT '',
    on_time INTEGER,                     -- 1/0 once finished
    progress TEXT NOT NULL DEFAULT '[]',
    rating INTEGER,                      -- 1–5 from the resident
    rating_note TEXT NOT NULL DEFAULT '',
    certificate_id BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, tracking_no)
);
CREATE INDEX service_applications_id ON service_applications (id);
CREATE INDEX service_applications_tracking ON service_applications (tracking_no);
CREATE INDEX service_applications_queue ON service_applications (stage_level, status, stage_due);
CREATE INDEX service_applications_agent ON service_applications (agent_id, status);
CREATE INDEX service_applications_person ON service_applications (community_id, person_id);
CREATE INDEX service_applications_household ON service_applications (community_id, household_id);
CREATE INDEX service_applications_item ON service_applications (item_code, created_at);

-- Every step of an application, append-only: who did what at which stage,
-- the reason and the materials asked for.
CREATE TABLE service_steps (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    application_id BIGINT NOT NULL,
    at TEXT NOT NULL,
    stage INTEGER NOT NULL,
    stage_name TEXT NOT NULL,
    action TEXT NOT NULL,      -- intake, complete, approve, return, resubmit, reject, rate, notify
    note TEXT NOT NULL DEFAULT '',
    materials TEXT NOT NULL DEFAULT '',  -- materials asked for (return) or still missing (intake)
    actor_id BIGINT,
    actor TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, application_id) REFERENCES service_applications (community_id, id)
);
CREATE INDEX service_steps_application ON service_steps (community_id, application_id, id);

-- Certificate templates (证明模板): the body is a text/template over the
-- register fields named in services/certificates.go.
CREATE TABLE certificate_templates (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,          -- 编号字头, e.g. 居证
    body TEXT NOT NULL,
    needs_relative INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);

-- Issued certificates. body is the text as printed, so the PDF can be
-- reprinted unchanged; verify_code is what the public verify page takes.
CREATE TABLE certificates (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    grid_id BIGINT,
    org_id BIGINT NOT NULL,
    number TEXT NOT NULL,               -- 证明编号
    template TEXT NOT NULL REFERENCES certificate_templates (code),
    title TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    holder TEXT NOT NULL,
    relative_id BIGINT,
    purpose TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    organ TEXT NOT NULL,                -- 出具单位
    verify_code TEXT NOT NULL,
    application_id BIGINT,
    status TEXT NOT NULL DEFAULT 'valid', -- valid, revoked
    revoked_at TEXT NOT NULL DEFAULT '',
    revoke_reason TEXT NOT NULL DEFAULT '',
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, number)
);
CREATE INDEX certificates_id ON certificates (id);
CREATE INDEX certificates_verify ON certificates (verify_code);
CREATE INDEX certificates_person ON certificates (community_id, person_id);

-- Certificate numbers run per community and year.
CREATE TABLE certificate_counters (
    community_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (community_id, year)
);

-- Secrets of the service hall (the key of verification codes), made on
-- first use so each deployment has its own.
CREATE TABLE service_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO permissions (code, name, sort) VALUES
    ('services.read', '查看办件', 300),
    ('services.intake', '窗口受理、代办', 310),
    ('services.handle.community', '社区审核办件', 320),
    ('services.handle.street', '街道审核办件', 330),
    ('services.handle.district', '区县审批办件', 340),
    ('services.certify', '出具、作废证明', 350),
    ('services.manage', '维护服务事项目录和证明模板', 360);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'services.read'), ('admin', 'services.manage'), ('admin', 'services.intake'),
    ('admin', 'services.handle.community'), ('admin', 'services.handle.street'),
    ('admin', 'services.handle.district'), ('admin', 'services.certify'),
    ('district_operator', 'services.read'), ('district_operator', 'services.handle.district'),
    ('street_operator', 'services.read'), ('street_operator', 'services.handle.street'),
    ('community_head', 'services.read'), ('community_head', 'services.intake'),
    ('community_head', 'services.handle.community'), ('community_head', 'services.certify'),
    ('community_staff', 'services.read'), ('community_staff', 'services.intake'),
    ('community_staff', 'services.handle.community'), ('community_staff', 'services.certify'),
    ('window_clerk', 'services.read'), ('window_clerk', 'services.intake'), ('window_clerk', 'services.certify'),
    ('grid_worker', 'services.read');
