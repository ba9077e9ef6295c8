-- 在职党员双报到: in-service party members report to the community where
-- they live (a person of its register), every six months again; they
-- claim the community's service posts (岗位认领), pair with households
-- (结对) and fulfil residents' small wishes (微心愿). Their service is a
-- record per stint, counted for their employer's quarterly card and
-- yearly evaluation.

-- One registration (报到) of a person at a community. Only one may be live
-- (status 'active') per person; a member who left keeps the row.
-- next_due_on is last_reported_on plus six months: the re-report due day.
CREATE TABLE party_members (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    employer TEXT NOT NULL,                -- 单位名称
    party_org TEXT NOT NULL DEFAULT '',    -- 单位党组织
    phone TEXT NOT NULL DEFAULT '',        -- for the re-report reminders
    reported_on TEXT NOT NULL,             -- the first 报到
    last_reported_on TEXT NOT NULL,
    next_due_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    left_on TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE UNIQUE INDEX party_members_live ON party_members (person_id) WHERE status = 'active';
CREATE INDEX party_members_due ON party_members (community_id, status, next_due_on);
CREATE INDEX party_members_id ON party_members (id);

-- Every 报到, the first and each re-report: the member's history.
CREATE TABLE party_member_reports (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    reported_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('first', 'again')),
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX party_member_reports_member ON party_member_reports (member_id, reported_on);

-- A reminder sent for a due day: the key makes the daily pass send one
-- per member and due day however often it runs.
CREATE TABLE party_reminders (
    community_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    sms INTEGER NOT NULL DEFAULT 0,        -- an SMS went to the outbox (the member has a phone)
    PRIMARY KEY (community_id, member_id, due_on)
);

-- 服务岗位 the community publishes: 楼栋长助理, 文明劝导, 政策宣讲 …
CREATE TABLE party_posts (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    slots INTEGER NOT NULL DEFAULT 0,      -- members wanted; 0: no limit
    active INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, name)
);

-- 岗位认领: a member on a post from claimed_on; ended_on set when they
-- leave it. One live claim per member and post.
CREATE TABLE party_claims (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    claimed_on TEXT NOT NULL,
    ended_on TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE UNIQUE INDEX party_claims_live ON party_claims (community_id, post_id, member_id) WHERE ended_on = '';
CREATE INDEX party_claims_member ON party_claims (member_id);

-- 结对: a member and a household of the register; ended_on when it ends.
CREATE TABLE party_pairings (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE UNIQUE INDEX party_pairings_live ON party_pairings (community_id, member_id, household_id) WHERE ended_on = '';
CREATE INDEX party_pairings_member ON party_pairings (member_id);

-- Service a member gave: on a post, a visit to a paired household (the
-- visit itself is in visits: source 'visit:<id>'), a wish fulfilled
-- ('wish:<id>', written when the wish is confirmed) or other service.
-- minutes are what counts; source appears once per community so that a
-- form sent twice or a wish confirmed twice counts once.
CREATE TABLE party_service (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('post', 'pairing', 'wish', 'other')),
    post_id BIGINT,
    household_id BIGINT,
    served_on TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    content TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    by_member INTEGER NOT NULL DEFAULT 0,  -- the member reported it (through staff), not staff's own record
    recorded_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, source)
);
CREATE INDEX party_service_member ON party_service (member_id, served_on);
CREATE INDEX party_service_day ON party_service (community_id, served_on);

-- 微心愿: a resident's small wish, posted by staff on their behalf,
-- claimed by a member, fulfilled, confirmed. deadline_on: to be fulfilled
-- by then; past it and not fulfilled the wish is overdue.
CREATE TABLE party_wishes (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,             -- the resident the wish is for
    title TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    posted_on TEXT NOT NULL,
    deadline_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'fulfilled', 'confirmed', 'cancelled')),
    member_id BIGINT,
    claimed_on TEXT NOT NULL DEFAULT '',
    fulfilled_on TEXT NOT NULL DEFAULT '',
    minutes INTEGER NOT NULL DEFAULT 0,    -- the time the fulfilment took
    fulfil_note TEXT NOT NULL DEFAULT '',
    confirmed_on TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX party_wishes_status ON party_wishes (community_id, status, deadline_on);
CREATE INDEX party_wishes_id ON party_wishes (id);

-- A wish's timeline: every step, who, when, from which state to which.
CREATE TABLE party_wish_steps (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    wish_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status TEXT NOT NULL,
    at TEXT NOT NULL,
    by_name TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX party_wish_steps_wish ON party_wish_steps (wish_id, at);

-- 年度评价 the community gives each employer's members: a grade per
-- member and year, with a comment.
CREATE TABLE party_evaluations (
    community_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('excellent', 'competent', 'basic', 'incompetent')),
    comment TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, member_id, year)
);
