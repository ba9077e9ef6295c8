-- 社区工作者与协管员: the roster builds on org_staff, which already holds
-- every assignment of a person to a unit (书记 and 社区工作者 on the
-- community, 网格员 on a grid, 中心户长 …). A coordinator (协管员, 五老) is
-- one more such assignment, role 'coordinator'; what the roster knows
-- besides lies in the side tables below, keyed by the org_staff row, so
-- that nobody is registered twice.

-- What the roster adds to an assignment: the post a coordinator holds
-- (劳动保障协管员 …), the title as the community writes it (党总支书记、
-- 居委会主任; 计生专干), the 五老 background and the 五大员 duties (after
-- the seeds: 治安防范巡逻员, 矛盾纠纷调解员, 治安动向信息员, 服务群众联络员,
-- 综治工作宣传员), who places and pays the coordinator, and the person of
-- the register they are, when known. A row is made when first edited.
CREATE TABLE workforce_profiles (
    community_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,              -- org_staff.id
    post TEXT NOT NULL DEFAULT '',         -- coordinator post code (labour, family_planning …)
    title TEXT NOT NULL DEFAULT '',
    wulao TEXT NOT NULL DEFAULT '',        -- 五老 code: party_veteran, cadre, worker, soldier, expert, teacher, model
    duties TEXT NOT NULL DEFAULT '',       -- 五大员 codes, comma-separated: patrol, mediator, informant, liaison, publicist
    employer TEXT NOT NULL DEFAULT '',     -- who places and pays a coordinator (人社局, 卫健局 …)
    person_id BIGINT,                      -- persons.id in the community
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, staff_id)
);

-- Certificates: 助理社会工作师 (初级), 社会工作师 (中级), 高级社会工作师
-- (高级) and any other, with number, issue date, issuer and expiry ('' for
-- none). A certificate recorded in error is withdrawn, not deleted.
CREATE TABLE workforce_qualifications (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sw_assistant', 'sw', 'sw_senior', 'other')),
    name TEXT NOT NULL,                    -- the certificate's name as printed
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    expires_on TEXT NOT NULL DEFAULT '',
    issuer TEXT NOT NULL DEFAULT '',
    withdrawn INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX workforce_qualifications_staff ON workforce_qualifications (community_id, staff_id);

-- Training attended, in minutes (shown as hours with one decimal).
CREATE TABLE workforce_training (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    organiser TEXT NOT NULL DEFAULT '',
    minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX workforce_training_staff ON workforce_training (community_id, staff_id, held_on);
CREATE INDEX workforce_training_day ON workforce_training (community_id, held_on);

-- The grade bands of an assessment's score, as data: a score gets the
-- grade of the highest band whose min_score it reaches.
CREATE TABLE workforce_grade_bands (
    grade TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    min_score INTEGER NOT NULL UNIQUE CHECK (min_score >= 0 AND min_score <= 100)
);
INSERT INTO workforce_grade_bands (grade, name, min_score) VALUES
    ('excellent', '优秀', 90), ('pass', '合格', 70), ('basic', '基本合格', 60), ('fail', '不合格', 0);

-- 年度/季度考核: one per person and period ('2026' or '2026Q1'), the score
-- 0–100, the grade its band gave when it was saved, and the assessor.
CREATE TABLE workforce_assessments (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score >= 0 AND score <= 100),
    grade TEXT NOT NULL,
    assessor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, staff_id, period)
);

-- Every change to the roster's records, as the register keeps its own:
-- who, when, what (JSON {field: [before, after]}).
CREATE TABLE workforce_changes (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    op TEXT NOT NULL,                      -- profile, add, qualification, training, assessment
    changes TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX workforce_changes_staff ON workforce_changes (community_id, staff_id, at);

INSERT INTO permissions (code, name, sort) VALUES
    ('workforce.read', '查看社区工作者与协管员名册和配备', 760),
    ('workforce.manage', '维护社区工作者与协管员名册、资质、培训和考核', 770);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'workforce.read'), ('admin', 'workforce.manage'),
    ('community_head', 'workforce.read'), ('community_head', 'workforce.manage'),
    ('community_staff', 'workforce.read'),
    ('street_operator', 'workforce.read'), ('street_operator', 'workforce.manage'),
    ('district_operator', 'workforce.read');
