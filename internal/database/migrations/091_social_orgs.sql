-- 社区社会组织: the community's own groups (老年人协会, 舞蹈队, 志愿者协会 …),
-- not the register's organisations (businesses and units). Each is filed
-- (备案) with the street: number, date, the street that filed it, status
-- 筹备 (preparing), 已备案 (filed) or 注销 (dissolved). A hub (枢纽型)
-- organisation supports others (social_org_supports). A 志愿者协会 may
-- name the volunteer team it runs (volunteer_teams.id).
CREATE TABLE social_orgs (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                    -- culture, charity, service, mediation, other
    status TEXT NOT NULL DEFAULT 'preparing' CHECK (status IN ('preparing', 'filed', 'dissolved')),
    filing_number TEXT NOT NULL DEFAULT '', -- 备案编号
    filed_on TEXT NOT NULL DEFAULT '',     -- YYYY-MM-DD
    filed_by_id BIGINT,                    -- the street (org_units.id) that filed it
    dissolved_on TEXT NOT NULL DEFAULT '',
    leader_person_id BIGINT,               -- persons.id in the community: 负责人
    hub INTEGER NOT NULL DEFAULT 0,        -- 枢纽型社会组织
    volunteer_team_id BIGINT,
    purpose TEXT NOT NULL DEFAULT '',      -- 宗旨与活动内容
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, name)
);
CREATE INDEX social_orgs_id ON social_orgs (id);

-- Which organisations a hub supports (培育、孵化、指导).
CREATE TABLE social_org_supports (
    community_id BIGINT NOT NULL,
    hub_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (community_id, hub_id, org_id)
);

-- The change history: one row per save, the fields before and after (JSON).
CREATE TABLE social_org_changes (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    action TEXT NOT NULL,                  -- create, edit, member, support
    summary TEXT NOT NULL DEFAULT '',      -- 中文: what changed
    before_json TEXT NOT NULL DEFAULT '',
    after_json TEXT NOT NULL DEFAULT '',
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX social_org_changes_org ON social_org_changes (community_id, org_id, changed_at);

-- Members: persons of the register, from a day to a day. One open
-- membership per person and organisation (the partial unique index), so a
-- person who left may join again as a new row.
CREATE TABLE social_org_members (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    role TEXT NOT NULL DEFAULT '',         -- 会长, 副会长, 队长 … or empty
    joined_on TEXT NOT NULL,
    left_on TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE UNIQUE INDEX social_org_members_once ON social_org_members (org_id, person_id) WHERE left_on = '';
CREATE INDEX social_org_members_org ON social_org_members (community_id, org_id, joined_on);

-- Activities: a day, a title, a place, and either a count of participants
-- or the members who took part (social_org_activity_members; then the
-- count is theirs).
CREATE TABLE social_org_activities (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    participants INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX social_org_activities_org ON social_org_activities (community_id, org_id, held_on);

CREATE TABLE social_org_activity_members (
    community_id BIGINT NOT NULL,
    activity_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    PRIMARY KEY (community_id, activity_id, person_id)
);

INSERT INTO permissions (code, name, sort) VALUES
    ('socialorgs.manage', '社区社会组织登记、备案、成员和活动', 880),
    ('socialorgs.read', '查看社区社会组织及其成员和活动', 890);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'socialorgs.read'),
    ('community_head', 'socialorgs.manage'), ('community_head', 'socialorgs.read'),
    ('community_staff', 'socialorgs.manage'), ('community_staff', 'socialorgs.read'),
    ('street_operator', 'socialorgs.read'), ('district_operator', 'socialorgs.read');
