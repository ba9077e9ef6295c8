-- 志愿服务记录证明 (民发〔2015〕149号): a certificate of a volunteer's
-- service hours over a period. It is requested (by staff or by the
-- volunteer), shown publicly for at least 7 days (公示) — anyone may
-- object (异议) — and only then issued, numbered, with a verification
-- code. The service rows it counts are copied when it is published, so a
-- later correction of the ledger never changes what was shown or issued.
CREATE TABLE volunteer_certificates (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    grid_id BIGINT,
    org_id BIGINT NOT NULL,                -- the person's place, for scopes
    period_from TEXT NOT NULL,             -- YYYY-MM-DD, inclusive
    period_to TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'notice', 'issued', 'refused', 'revoked')),
    holder TEXT NOT NULL,                  -- 姓名 as the register had it when requested
    id_masked TEXT NOT NULL DEFAULT '',    -- 证件号码, masked as the certificate prints it
    doc_type TEXT NOT NULL DEFAULT '',
    volunteer_number TEXT NOT NULL,
    minutes INTEGER NOT NULL DEFAULT 0,    -- service time counted (frozen at publication)
    records INTEGER NOT NULL DEFAULT 0,    -- ledger rows behind it
    content TEXT NOT NULL DEFAULT '',      -- 服务内容, summarised
    requested_by TEXT NOT NULL,
    self_requested INTEGER NOT NULL DEFAULT 0,
    requested_at TEXT NOT NULL,
    published_on TEXT NOT NULL DEFAULT '', -- first day of the notice
    notice_until TEXT NOT NULL DEFAULT '', -- last day of the notice (inclusive)
    published_by TEXT NOT NULL DEFAULT '',
    number TEXT,                           -- 证明编号, given at issue
    verify_code TEXT,                      -- given at issue
    organ TEXT NOT NULL DEFAULT '',        -- 出具单位
    handler TEXT NOT NULL DEFAULT '',      -- 经办人
    issued_on TEXT NOT NULL DEFAULT '',
    issued_at TEXT NOT NULL DEFAULT '',
    closed_reason TEXT NOT NULL DEFAULT '', -- why refused or revoked
    closed_at TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    UNIQUE (verify_code),
    UNIQUE (number)
);
CREATE INDEX volunteer_certificates_id ON volunteer_certificates (id);
CREATE INDEX volunteer_certificates_volunteer ON volunteer_certificates (volunteer_id, period_from);
CREATE INDEX volunteer_certificates_notice ON volunteer_certificates (community_id, status, notice_until);

-- The service rows a certificate counts, copied at publication.
CREATE TABLE volunteer_certificate_rows (
    community_id BIGINT NOT NULL,
    certificate_id BIGINT NOT NULL,
    hours_id BIGINT NOT NULL,              -- volunteer_hours.id
    served_on TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    team TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, certificate_id, hours_id)
);

-- 异议: anyone may object to a certificate in notice; staff uphold (the
-- request is refused) or dismiss.
CREATE TABLE volunteer_certificate_objections (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    certificate_id BIGINT NOT NULL,
    text TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',      -- how to answer the objector, optional
    raised_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'dismissed')),
    answer TEXT NOT NULL DEFAULT '',
    handled_by TEXT NOT NULL DEFAULT '',
    handled_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX volunteer_certificate_objections_cert ON volunteer_certificate_objections (certificate_id, status);

-- Each step of a certificate, for its history: requested, published,
-- objected, upheld, dismissed, issued, refused, revoked.
CREATE TABLE volunteer_certificate_steps (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    certificate_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX volunteer_certificate_steps_cert ON volunteer_certificate_steps (certificate_id, at);

-- Numbers per community and year: 城北志证〔2026〕0001号.
CREATE TABLE volunteer_certificate_counters (
    community_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (community_id, year)
);

-- One row per volunteer that a request or an issue touches inside its
-- transaction: on PostgreSQL the row lock makes two concurrent requests
-- for one volunteer take turns, so the overlap check cannot be raced.
CREATE TABLE volunteer_certificate_locks (
    volunteer_id BIGINT PRIMARY KEY,
    touched INTEGER NOT NULL DEFAULT 0
);

-- The key of the verification codes, made on first use.
CREATE TABLE volunteer_certificate_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO permissions (code, name, sort) VALUES
    ('volunteer_certificates.issue', '办理志愿服务记录证明(公示、异议、出具、作废)', 790),
    ('volunteer_records.export', '导出志愿服务记录(含证件号码,报全国志愿服务信息系统)', 795);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'volunteer_certificates.issue'), ('admin', 'volunteer_records.export'),
    ('community_head', 'volunteer_certificates.issue'), ('community_head', 'volunteer_records.export'),
    ('community_staff', 'volunteer_certificates.issue');
