-- 百家熟 (入户走访): the rules saying which households are visited how
-- often, the due visits derived from the register by them, the visits
-- recorded and the workers' daily capacity.

-- A rule picks households (all ordinary ones, a household kind, or those
-- with a member holding a tag) and says when they are visited: every
-- interval_days after the last visit (or after the start: the household's
-- registration, the tag's start), or once at each of series_days after the
-- start (15,30,60,90). A visit counts from window_days before the due day;
-- grace_days after it the visit is overdue. community_id NULL: the rule
-- holds everywhere (the shipped sample, kept by the administrator); else a
-- community's own rule, kept by its head.
CREATE TABLE visit_rules (
    id BIGINT PRIMARY KEY,
    community_id BIGINT REFERENCES org_units (id),
    name TEXT NOT NULL,
    applies TEXT NOT NULL CHECK (applies IN ('all', 'household_kind', 'tag')),
    target TEXT NOT NULL DEFAULT '',       -- the household kind or the tag code
    interval_days INTEGER NOT NULL DEFAULT 0,
    series_days TEXT NOT NULL DEFAULT '',  -- "15,30,60,90": days after the start; '' for an interval rule
    window_days INTEGER NOT NULL DEFAULT 0,
    grace_days INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    sample INTEGER NOT NULL DEFAULT 0,     -- 示例: shipped to be edited
    sort INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

INSERT INTO visit_rules (id, community_id, name, applies, target, interval_days, series_days, window_days, grace_days, sample, sort, updated_at) VALUES
    (1, NULL, '普通户每半年一次', 'all', '', 182, '', 30, 30, 1, 10, '2026-01-01T00:00:00Z'),
    (2, NULL, '流动户每月一次', 'household_kind', 'floating', 30, '', 7, 7, 1, 20, '2026-01-01T00:00:00Z'),
    (3, NULL, '低保户每月一次', 'tag', 'dibao', 30, '', 7, 7, 1, 30, '2026-01-01T00:00:00Z'),
    (4, NULL, '特困人员每月一次', 'tag', 'tekun', 30, '', 7, 7, 1, 40, '2026-01-01T00:00:00Z'),
    (5, NULL, '独居老人每周一次', 'tag', 'living_alone', 7, '', 2, 3, 1, 50, '2026-01-01T00:00:00Z'),
    (6, NULL, '高龄老人每月一次', 'tag', 'very_old', 30, '', 7, 7, 1, 60, '2026-01-01T00:00:00Z'),
    (7, NULL, '孕情登记后随访', 'tag', 'pregnant', 0, '15,30,60,90', 5, 7, 1, 70, '2026-01-01T00:00:00Z'),
    (8, NULL, '社区矫正每周一次', 'tag', 'correction', 7, '', 2, 2, 1, 80, '2026-01-01T00:00:00Z'),
    (9, NULL, '刑满释放后随访', 'tag', 'released', 0, '15,30,60,90', 5, 5, 1, 90, '2026-01-01T00:00:00Z'),
    (10, NULL, '精神障碍患者每月一次', 'tag', 'mental', 30, '', 7, 5, 1, 100, '2026-01-01T00:00:00Z');

-- One due visit of one household by one rule: the key is the household,
-- the rule, what the occurrence counts from (anchor: 'd2026-03-01', the
-- day of the last visit or of the start, for an interval rule; 't<tag id>'
-- for a series) and its place in the series. Recomputation upserts on the
-- key, so replaying it loses and doubles nothing; a visit marks the rows it
-- satisfies done, a row no longer owed (the tag ended, the household
-- moved away) becomes void: rows are never deleted.
CREATE TABLE visit_schedules (
    community_id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL REFERENCES visit_rules (id),
    anchor TEXT NOT NULL,
    seq INTEGER NOT NULL,
    anchor_on TEXT NOT NULL,
    earliest_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    overdue_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'void')),
    visit_id BIGINT,
    done_on TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, household_id, rule_id, anchor, seq)
);
-- The open rows by when they may be visited, carrying all that coverage,
-- the worklists and recomputation read of them: those read from the
-- index alone, never the table and its history of done rows.
CREATE INDEX visit_schedules_open ON visit_schedules (community_id, earliest_on, household_id, overdue_on, rule_id, anchor,
    seq, due_on, status) WHERE status = 'open';

-- A visit as recorded: on the phone (client_uuid makes a record sent twice
-- one visit; device_time is the phone's clock when it was written) or at a
-- desk. base_versions holds the versions of the household and persons the
-- visit read before correcting them, so that a sync finds what changed
-- meanwhile. Corrections are written to the register with source
-- visit:<id>; corrections lists what they were.
CREATE TABLE visits (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    grid_id BIGINT,
    client_uuid TEXT NOT NULL,
    visited_on TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('met', 'absent', 'refused')),
    met TEXT NOT NULL DEFAULT '',          -- who was met
    present TEXT NOT NULL DEFAULT '',      -- JSON [person id] of the members present
    findings TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',        -- 民情日记
    corrections TEXT NOT NULL DEFAULT '',  -- JSON [{entity, id, field, label, before, after}]
    base_versions TEXT NOT NULL DEFAULT '',-- JSON {"household:1": 3, "person:7": 2}
    event_id BIGINT,                       -- the event a need became
    flagged INTEGER NOT NULL DEFAULT 0,    -- a conflict was overridden: for review
    device_time TEXT NOT NULL DEFAULT '',
    author_id BIGINT,
    author TEXT NOT NULL,
    staff_id BIGINT,                       -- org_staff of the visiting worker
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, client_uuid)
);
CREATE INDEX visits_household ON visits (community_id, household_id, visited_on);
CREATE INDEX visits_day ON visits (community_id, visited_on);
CREATE INDEX visits_id ON visits (id);

-- Visits a day: a worker's own (staff_id) or the community's default
-- (staff_id 0). team_size is how many workers go together (两人一组 = 2):
-- a team's visits a day serve the grids of all of them.
CREATE TABLE visit_capacity (
    community_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    visits_per_day INTEGER NOT NULL CHECK (visits_per_day > 0),
    team_size INTEGER NOT NULL DEFAULT 1 CHECK (team_size > 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, staff_id)
);

-- How far the server's follower of the register's change events has read.
CREATE TABLE visit_follow (
    name TEXT PRIMARY KEY,
    after_id BIGINT NOT NULL
);
INSERT INTO visit_follow (name, after_id) VALUES ('schedules', 0);

INSERT INTO permissions (code, name, sort) VALUES
    ('visits.record', '入户走访登记', 720),
    ('visits.supervise', '查看走访清单、覆盖和力量测算', 730),
    ('visits.rules', '维护走访规则和每日走访量', 740);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'visits.supervise'), ('admin', 'visits.rules'),
    ('community_head', 'visits.record'), ('community_head', 'visits.supervise'), ('community_head', 'visits.rules'),
    ('community_staff', 'visits.record'), ('community_staff', 'visits.supervise'),
    ('grid_worker', 'visits.record'),
    ('street_operator', 'visits.supervise'), ('district_operator', 'visits.supervise');
