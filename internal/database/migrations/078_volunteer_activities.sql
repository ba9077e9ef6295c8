-- 志愿服务活动: activities with shifts and slots, the sign-ups, the
-- volunteers' personal links (their phone session), and the commendations
-- and evaluations kept per volunteer (民政部令第67号). Hours themselves are
-- the ledger of 077; a check-out writes one row of it.

-- An activity belongs to a community and is organised by a staff user,
-- who verifies (核实) the hours its QR check-outs write. source names
-- where it came from: '' planned by the community, 'need:event:<id>' a
-- need found in visits or events that staff assigned to a volunteer.
CREATE TABLE volunteer_activities (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',      -- 服务内容
    place TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('service', 'training')),
    team_id BIGINT,
    skill TEXT NOT NULL DEFAULT '',        -- the skill it asks for, a code of volunteers.Skills
    organiser_id BIGINT NOT NULL,          -- users.id
    organiser TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX volunteer_activities_id ON volunteer_activities (id);
CREATE INDEX volunteer_activities_source ON volunteer_activities (source);

-- A shift (班次): a time window with slots. Times in UTC (the stored
-- layout); served_on is its day in Shanghai. signed counts the sign-ups,
-- kept by the writes so that a full shift refuses in one statement on
-- both engines. secret is what the shift's QR carries, so that only those
-- in front of the QR can check in.
CREATE TABLE volunteer_shifts (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    activity_id BIGINT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    served_on TEXT NOT NULL,
    slots INTEGER NOT NULL CHECK (slots > 0),
    signed INTEGER NOT NULL DEFAULT 0,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX volunteer_shifts_id ON volunteer_shifts (id);
CREATE INDEX volunteer_shifts_activity ON volunteer_shifts (community_id, activity_id, starts_at);
CREATE INDEX volunteer_shifts_day ON volunteer_shifts (community_id, served_on);

-- A sign-up (报名) of a volunteer to a shift; walk_in when made at the
-- check-in (no sign-up before, a slot left). hours_id is the ledger row
-- the check-out wrote.
CREATE TABLE volunteer_signups (
    community_id BIGINT NOT NULL,
    shift_id BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    activity_id BIGINT NOT NULL,
    walk_in INTEGER NOT NULL DEFAULT 0,
    checked_in_at TEXT NOT NULL DEFAULT '',
    checked_out_at TEXT NOT NULL DEFAULT '',
    hours_id BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, shift_id, volunteer_id)
);
CREATE INDEX volunteer_signups_volunteer ON volunteer_signups (volunteer_id, shift_id);

-- A volunteer's personal link (个人链接): a long random token, kept only as
-- its SHA-256, which the phone holds as a cookie. It names nobody: the
-- link and the cookie carry no personal data. Reissuing revokes the old.
CREATE TABLE volunteer_keys (
    token_hash TEXT PRIMARY KEY,
    community_id BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX volunteer_keys_volunteer ON volunteer_keys (volunteer_id);

-- 表彰 and 评价: kind 'commendation' (title, level: 社区 街道 区 市 省 国家)
-- or 'evaluation' (the year's grade: 优秀 良好 合格 不合格).
CREATE TABLE volunteer_records (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('commendation', 'evaluation')),
    title TEXT NOT NULL,
    grade TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '',
    given_on TEXT NOT NULL,
    given_by TEXT NOT NULL DEFAULT '',     -- the issuing body
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX volunteer_records_volunteer ON volunteer_records (volunteer_id, given_on);

INSERT INTO permissions (code, name, sort) VALUES
    ('volunteers.read', '查看志愿者和服务时长统计', 760),
    ('volunteers.manage', '管理志愿者、志愿服务活动和服务时长', 770);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'volunteers.read'), ('admin', 'volunteers.manage'),
    ('community_head', 'volunteers.read'), ('community_head', 'volunteers.manage'),
    ('community_staff', 'volunteers.read'), ('community_staff', 'volunteers.manage'),
    ('street_operator', 'volunteers.read'), ('district_operator', 'volunteers.read');
