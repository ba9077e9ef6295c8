-- 志愿者: the volunteer registry and the ledger of their hours. A
-- volunteer is a person of the register, registered once (民政部令第67号:
-- no second registration across teams or organisations), under a number;
-- teams are where they serve. Hours are a ledger: one row per service or
-- training stint, verified by someone; a correction is a reversing row
-- naming the row it undoes, never an edit, so totals are sums.
CREATE TABLE volunteers (
    community_id BIGINT NOT NULL,          -- the community that registered them
    id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,             -- persons.id in that community
    number TEXT NOT NULL,                  -- 志愿者编号
    skills TEXT NOT NULL DEFAULT '',       -- JSON [skill code]
    availability TEXT NOT NULL DEFAULT '', -- JSON {"weekdays":[1..7],"from":"08:00","to":"12:00"}
    grid_id BIGINT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    joined_on TEXT NOT NULL,
    left_on TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'staff',  -- staff, self (registered on the phone), import
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    UNIQUE (person_id),
    UNIQUE (number)
);
CREATE INDEX volunteers_id ON volunteers (id);

-- 志愿服务队: 医疗, 老年文化, 红袖章巡逻, 党员 …
CREATE TABLE volunteer_teams (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',         -- medical, culture, patrol, party, other
    leader_volunteer_id BIGINT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, name)
);

CREATE TABLE volunteer_team_members (
    community_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    joined_on TEXT NOT NULL,
    left_on TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, team_id, volunteer_id)
);
CREATE INDEX volunteer_team_members_volunteer ON volunteer_team_members (volunteer_id);

-- The hours ledger (服务时长). kind 'service' or 'training' (training
-- hours are kept apart, 民政部令第67号). planned_minutes is the shift's
-- length where the stint came from a shift; minutes is what was served and
-- counts. source names where the row came from ('shift:<id>',
-- 'visit:<id>', 'wish:<id>', 'manual:<row id>'); a source appears once per
-- volunteer and kind among rows not reversed, so nothing counts twice. A
-- reversing row has negative minutes and reverses_id set.
CREATE TABLE volunteer_hours (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('service', 'training')),
    served_on TEXT NOT NULL,               -- YYYY-MM-DD
    started_at TEXT NOT NULL DEFAULT '',
    ended_at TEXT NOT NULL DEFAULT '',
    planned_minutes INTEGER NOT NULL DEFAULT 0,
    minutes INTEGER NOT NULL,
    content TEXT NOT NULL DEFAULT '',      -- 服务内容
    activity_id BIGINT,
    team_id BIGINT,
    source TEXT NOT NULL,
    verified_by TEXT NOT NULL DEFAULT '',  -- 核实人
    verified_by_id BIGINT,
    reverses_id BIGINT,
    reversed INTEGER NOT NULL DEFAULT 0,   -- set on the row a reversal undoes
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX volunteer_hours_year ON volunteer_hours (community_id, served_on, kind);
CREATE INDEX volunteer_hours_volunteer ON volunteer_hours (volunteer_id, served_on);
CREATE UNIQUE INDEX volunteer_hours_once ON volunteer_hours (volunteer_id, kind, source) WHERE reverses_id IS NULL AND reversed = 0;
