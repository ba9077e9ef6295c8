-- Events (事件): what grid workers, residents, the 12345 line and other
-- systems report, from report to a verified close. See internal/events.

-- Permissions and the roles that carry them ----------------------------------

INSERT INTO permissions (code, name, sort) VALUES
    ('events.read', '查看事件', 100),
    ('events.report', '上报事件', 110),
    ('events.accept', '受理事件、社区自办、结案社区事件', 120),
    ('events.handle', '处置事件(签收、反馈、申请退回)', 130),
    ('events.verify', '核查事件处置结果', 140),
    ('events.dispatch', '立案、派遣、上报区县、审批退回、结案(平台)', 150),
    ('events.supervise', '督办超期事件', 160),
    ('events.manage', '管理事件分类、时限和联系人', 170);

-- Departments that receive dispatched events but had no role yet.
INSERT INTO roles (code, name, description, place, department, all_fields, sort) VALUES
    ('dept_urban', '城市管理', '处置派遣到城管部门的事件', 'subtree', 'urban', 0, 280),
    ('dept_housing', '住房和城乡建设', '处置派遣到住建部门的事件', 'subtree', 'housing', 0, 290),
    ('dept_market', '市场监管', '处置派遣到市场监管部门的事件', 'subtree', 'market', 0, 300),
    ('dept_emergency', '应急管理', '处置派遣到应急管理部门的事件', 'subtree', 'emergency', 0, 310),
    ('dept_ecology', '生态环境', '处置派遣到生态环境部门的事件', 'subtree', 'ecology', 0, 320),
    ('dept_education', '教育', '处置派遣到教育部门的事件', 'subtree', 'education', 0, 330),
    ('dept_water', '水务', '处置派遣到水务部门的事件', 'subtree', 'water', 0, 340),
    -- An outside application (a city app, a WeChat mini-program) that
    -- reports residents' problems through Open311 with its API key.
    ('open311_client', 'Open311 客户端', '第三方应用经 Open311 代群众上报事件,只能上报', 'anywhere', NULL, 0, 400);

-- Grid workers report what they find and check that it was put right;
-- community staff accept, handle community-level events themselves and
-- close them; the street and district platforms file, dispatch, supervise
-- and close what rose to them; departments handle what is dispatched to
-- them (events.handle; they see only events dispatched to their department).
INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'events.read'), ('admin', 'events.report'), ('admin', 'events.accept'), ('admin', 'events.handle'),
    ('admin', 'events.verify'), ('admin', 'events.dispatch'), ('admin', 'events.supervise'), ('admin', 'events.manage'),
    ('district_operator', 'events.read'), ('district_operator', 'events.report'), ('district_operator', 'events.dispatch'),
    ('district_operator', 'events.supervise'), ('district_operator', 'events.manage'),
    ('street_operator', 'events.read'), ('street_operator', 'events.report'), ('street_operator', 'events.dispatch'),
    ('street_operator', 'events.supervise'),
    ('community_head', 'events.read'), ('community_head', 'events.report'), ('community_head', 'events.accept'),
    ('community_head', 'events.handle'), ('community_head', 'events.verify'), ('community_head', 'events.supervise'),
    ('community_staff', 'events.read'), ('community_staff', 'events.report'), ('community_staff', 'events.accept'),
    ('community_staff', 'events.handle'), ('community_staff', 'events.verify'),
    ('window_clerk', 'events.read'), ('window_clerk', 'events.report'),
    ('grid_worker', 'events.read'), ('grid_worker', 'events.report'), ('grid_worker', 'events.verify'),
    ('building_head', 'events.read'), ('building_head', 'events.report'),
    ('property', 'events.read'), ('property', 'events.report'),
    ('open311_client', 'events.report'),
    ('dept_police', 'events.handle'), ('dept_civil', 'events.handle'), ('dept_health', 'events.handle'),
    ('dept_labour', 'events.handle'), ('dept_disabled', 'events.handle'), ('dept_justice', 'events.handle'),
    ('dept_veterans', 'events.handle'), ('dept_zongzhi', 'events.handle'), ('dept_urban', 'events.handle'),
    ('dept_housing', 'events.handle'), ('dept_market', 'events.handle'), ('dept_emergency', 'events.handle'),
    ('dept_ecology', 'events.handle'), ('dept_education', 'events.handle'), ('dept_water', 'events.handle');

-- Field sets for events and mediation records: the reporter's name and the
-- parties' names are shown, their phone and ID numbers masked.
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('admin', 'event', '*', 'full', 1), ('admin', 'event', 'reporter_phone', 'masked', 0),
    ('admin', 'mediation', '*', 'full', 1), ('admin', 'mediation', 'party_phone', 'masked', 1),
    ('admin', 'mediation', 'party_id_number', 'masked', 1),
    ('district_operator', 'event', '*', 'full', 0), ('district_operator', 'event', 'reporter_phone', 'masked', 0),
    ('street_operator', 'event', '*', 'full', 0), ('street_operator', 'event', 'reporter_phone', 'masked', 0),
    ('community_head', 'event', '*', 'full', 1), ('community_head', 'event', 'reporter_phone', 'masked', 0),
    ('community_staff', 'event', '*', 'full', 1), ('community_staff', 'event', 'reporter_phone', 'masked', 0),
    ('window_clerk', 'event', '*', 'full', 0), ('window_clerk', 'event', 'reporter_phone', 'masked', 0),
    ('grid_worker', 'event', '*', 'full', 1), ('grid_worker', 'event', 'reporter_phone', 'masked', 0),
    ('building_head', 'event', '*', 'full', 0), ('building_head', 'event', 'reporter_name', 'hidden', 0),
    ('building_head', 'event', 'reporter_phone', 'hidden', 0),
    ('property', 'event', '*', 'full', 0), ('property', 'event', 'reporter_name', 'hidden', 0),
    ('property', 'event', 'reporter_phone', 'hidden', 0),
    ('community_head', 'mediation', '*', 'full', 1), ('community_head', 'mediation', 'party_phone', 'masked', 1),
    ('community_head', 'mediation', 'party_id_number', 'masked', 1),
    ('community_staff', 'mediation', '*', 'full', 1), ('community_staff', 'mediation', 'party_phone', 'masked', 1),
    ('community_staff', 'mediation', 'party_id_number', 'masked', 1),
    ('grid_worker', 'mediation', '*', 'full', 0), ('grid_worker', 'mediation', 'party_phone', 'masked', 0),
    ('grid_worker', 'mediation', 'party_id_number', 'hidden', 0),
    ('street_operator', 'mediation', '*', 'full', 0), ('street_operator', 'mediation', 'party_phone', 'masked', 0),
    ('street_operator', 'mediation', 'party_id_number', 'masked', 0),
    ('district_operator', 'mediation', '*', 'full', 0), ('district_operator', 'mediation', 'party_phone', 'masked', 0),
    ('district_operator', 'mediation', 'party_id_number', 'masked', 0);
INSERT INTO role_fields (role, entity, field, view, edit)
    SELECT code, 'event', '*', 'full', 0 FROM roles WHERE department IS NOT NULL;
INSERT INTO role_fields (role, entity, field, view, edit)
    SELECT code, 'event', 'reporter_phone', 'masked', 0 FROM roles WHERE department IS NOT NULL;
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('dept_justice', 'mediation', '*', 'full', 1), ('dept_justice', 'mediation', 'party_phone', 'masked', 1),
    ('dept_justice', 'mediation', 'party_id_number', 'masked', 1),
    ('dept_zongzhi', 'mediation', '*', 'full', 0), ('dept_zongzhi', 'mediation', 'party_phone', 'masked', 0),
    ('dept_zongzhi', 'mediation', 'party_id_number', 'masked', 0);

-- Categories and time limits (small catalogues, not sharded) ------------------

-- A two-level tree (大类/小类). Events are filed under a 小类; a 大类 holds
-- the defaults its 小类 inherit where they leave a column empty.
CREATE TABLE event_categories (
    code TEXT PRIMARY KEY,
    parent TEXT REFERENCES event_categories (code),  -- NULL for a 大类
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- where events of the category are handled by default: community
    -- (社区自办), street (上报街道) or district (上报区县)
    level TEXT NOT NULL DEFAULT '' CHECK (level IN ('', 'community', 'street', 'district')),
    department TEXT REFERENCES departments (code),   -- 归口部门 events are dispatched to
    kind TEXT NOT NULL DEFAULT 'general' CHECK (kind IN ('general', 'dispute')),  -- dispute: 矛盾纠纷 with a mediation record
    public INTEGER NOT NULL DEFAULT 1,               -- residents and Open311 clients may choose it
    active INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL DEFAULT ''
);

-- Time limits per step and urgency. category '*' is the default; a 小类 row
-- overrides its 大类's, which overrides the default.
CREATE TABLE event_time_limits (
    category TEXT NOT NULL,
    step TEXT NOT NULL CHECK (step IN ('accept', 'file', 'dispatch', 'handle', 'verify', 'close')),
    urgency TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    -- minutes and hours run round the clock; work_hours and work_days on the
    -- working-day calendar (internal/workdays)
    unit TEXT NOT NULL CHECK (unit IN ('minutes', 'hours', 'days', 'work_hours', 'work_days')),
    PRIMARY KEY (category, step, urgency)
);

-- Supervision (督办) settings: warn_percent — a 普通督办 when this share of a
-- step's time has run; red_after / red_after_unit — a 黄牌 becomes a 红牌,
-- escalated to the supervisor's supervisor, after this much more time.
CREATE TABLE event_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO event_settings (name, value) VALUES
    ('warn_percent', '80'), ('red_after', '1'), ('red_after_unit', 'work_days');

-- Who receives notices for a unit (the community office, the street or
-- district platform: department '') or for a department within the unit's
-- jurisdiction (its 值班 phone). The nearest unit up the tree that has a
-- contact for the department is used.
CREATE TABLE event_contacts (
    id BIGINT PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    department TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    user_id BIGINT
);
CREATE INDEX event_contacts_unit ON event_contacts (unit_id, department);

-- Events --------------------------------------------------------------------

CREATE TABLE events (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    grid_id BIGINT,
    org_id BIGINT NOT NULL,             -- the deepest unit it lies at (楼栋, 网格 or the community)
    tracking_no TEXT NOT NULL,          -- 受理号 given to the reporter
    category TEXT NOT NULL REFERENCES event_categories (code),
    urgency TEXT NOT NULL DEFAULT 'normal',
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    subject_kind TEXT NOT NULL DEFAULT '',  -- the register record it concerns: household, house, organisation, person
    subject_id BIGINT,
    source TEXT NOT NULL,               -- grid, office, phone, hotline, resident, api, open311
    external_ref TEXT NOT NULL DEFAULT '',  -- 12345 ticket number or a client's own id
    reporter_user_id BIGINT,
    reporter_name TEXT NOT NULL DEFAULT '',
    reporter_phone TEXT NOT NULL DEFAULT '',
    anonymous INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    level TEXT NOT NULL,                -- community, street, district: where it is handled now
    department TEXT,                    -- the department it is (or was last) dispatched to
    dispatched_by TEXT NOT NULL DEFAULT '', -- the level that dispatched it (street, district)
    assignee_user_id BIGINT,
    merged_into BIGINT,
    -- The clock: the step now running, when it started, its deadline, and
    -- the 督办 grade reached in it. timer_at is when the scheduler next
    -- has something to do ('' when nothing).
    due_step TEXT NOT NULL DEFAULT '',
    step_started_at TEXT NOT NULL DEFAULT '',
    due_at TEXT NOT NULL DEFAULT '',
    supervision TEXT NOT NULL DEFAULT '',
    timer_at TEXT NOT NULL DEFAULT '',
    -- For the KPIs.
    handle_due_at TEXT NOT NULL DEFAULT '',
    accepted_at TEXT NOT NULL DEFAULT '',
    dispatched_at TEXT NOT NULL DEFAULT '',
    feedback_at TEXT NOT NULL DEFAULT '',
    closed_at TEXT NOT NULL DEFAULT '',
    on_time INTEGER,                    -- every feedback came by its handling deadline; NULL before the first
    handling_minutes INTEGER,           -- working minutes from the start of handling to the last feedback
    rework_count INTEGER NOT NULL DEFAULT 0,
    rating INTEGER,
    rating_comment TEXT NOT NULL DEFAULT '',
    rated_at TEXT NOT NULL DEFAULT '',
    open311_token TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    reported_on TEXT NOT NULL,          -- the day reported in Beijing time (YYYY-MM-DD), for counts by day and month
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, tracking_no)
);
CREATE INDEX events_ident ON events (id);
CREATE INDEX events_tracking ON events (tracking_no);
CREATE INDEX events_status ON events (community_id, status, due_at);
CREATE INDEX events_grid ON events (grid_id, status);
CREATE INDEX events_department ON events (department, status);
CREATE INDEX events_created ON events (community_id, created_at);
CREATE INDEX events_timer ON events (timer_at) WHERE timer_at <> '';
CREATE INDEX events_token ON events (open311_token) WHERE open311_token <> '';

-- Every transition: who, when, in what capacity, with what note. Append-only.
CREATE TABLE event_steps (
    community_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    actor_unit TEXT NOT NULL DEFAULT '',  -- the capacity: 城北社区, 真武洞街道平台, 城市管理 …
    level TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',        -- for staff
    public_note TEXT NOT NULL DEFAULT '', -- the answer shown to the reporter
    data TEXT NOT NULL DEFAULT '',        -- JSON details: the category or place before and after, the event merged into
    due_at TEXT NOT NULL DEFAULT '',      -- the deadline this step set for the next
    late INTEGER NOT NULL DEFAULT 0,      -- this step came after the deadline it was due by
    version INTEGER NOT NULL,             -- the event's version after the step
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, event_id, id)
);

-- 督办 notices: 普通 when a step nears its deadline, 黄牌 when it passes it,
-- 红牌 (escalated) when it stays overdue; or issued by hand.
CREATE TABLE event_supervisions (
    community_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    grade TEXT NOT NULL CHECK (grade IN ('normal', 'yellow', 'red')),
    step TEXT NOT NULL,
    due_at TEXT NOT NULL,
    target TEXT NOT NULL,               -- who must act: dept:urban, level:community, grid
    supervisor TEXT NOT NULL DEFAULT '',-- who was told besides: level:street …
    issuer_user_id BIGINT,
    issuer_name TEXT NOT NULL,          -- 系统 for the scheduler
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    resolved_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, event_id, id)
);
CREATE INDEX event_supervisions_open ON event_supervisions (community_id, resolved_at, grade);

-- 矛盾纠纷调解: the record of a dispute's mediation.
CREATE TABLE event_mediations (
    community_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    dispute_type TEXT NOT NULL DEFAULT '',
    parties TEXT NOT NULL DEFAULT '[]',   -- JSON: name, side, phone, id_number
    mediators TEXT NOT NULL DEFAULT '[]', -- JSON: name, org
    agreement TEXT NOT NULL DEFAULT '',
    agreed_on TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',     -- '', success, partial, failed, withdrawn, referred
    outcome_note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, event_id)
);

CREATE TABLE event_mediation_sessions (
    community_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    mediators TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, event_id, id)
);

-- The default catalogue (数字城管 大类 and the community's own matters) ----

INSERT INTO event_categories (code, parent, name, level, department, kind, sort) VALUES
    ('env', NULL, '市容环境', 'community', 'urban', 'general', 10),
    ('env.garbage', 'env', '暴露垃圾、垃圾堆放', 'community', 'urban', 'general', 11),
    ('env.posters', 'env', '乱张贴、小广告', 'community', 'urban', 'general', 12),
    ('env.sewage', 'env', '污水外溢、下水道堵塞', 'street', 'water', 'general', 13),
    ('facility', NULL, '公用设施', 'street', 'urban', 'general', 20),
    ('facility.manhole', 'facility', '井盖缺失、破损', 'street', 'urban', 'general', 21),
    ('facility.lamp', 'facility', '路灯不亮', 'street', 'urban', 'general', 22),
    ('facility.road', 'facility', '道路破损', 'street', 'housing', 'general', 23),
    ('order', NULL, '街面秩序', 'street', 'urban', 'general', 30),
    ('order.vendor', 'order', '占道经营、流动摊贩', 'street', 'urban', 'general', 31),
    ('order.parking', 'order', '乱停乱放', 'street', 'police', 'general', 32),
    ('build', NULL, '施工管理', 'street', 'urban', 'general', 40),
    ('build.illegal', 'build', '违法建设', 'street', 'urban', 'general', 41),
    ('build.noise', 'build', '施工扰民', 'street', 'ecology', 'general', 42),
    ('safety', NULL, '安全隐患', 'street', 'emergency', 'general', 50),
    ('safety.fire', 'safety', '消防通道堵塞、消防隐患', 'street', 'emergency', 'general', 51),
    ('safety.gas', 'safety', '燃气泄漏隐患', 'district', 'emergency', 'general', 52),
    ('safety.house', 'safety', '危房、房屋安全', 'street', 'housing', 'general', 53),
    ('rental', NULL, '出租房屋', 'community', 'police', 'general', 60),
    ('rental.unregistered', 'rental', '出租房屋未登记', 'community', 'police', 'general', 61),
    ('rental.crowded', 'rental', '群租、隔断出租', 'street', 'police', 'general', 62),
    ('dispute', NULL, '矛盾纠纷', 'community', 'justice', 'dispute', 70),
    ('dispute.neighbour', 'dispute', '邻里纠纷', 'community', 'justice', 'dispute', 71),
    ('dispute.family', 'dispute', '婚姻家庭纠纷', 'community', 'justice', 'dispute', 72),
    ('dispute.property', 'dispute', '物业纠纷', 'community', 'housing', 'dispute', 73),
    ('dispute.labour', 'dispute', '劳资纠纷', 'street', 'labour', 'dispute', 74),
    ('demand', NULL, '群众诉求', 'community', 'civil', 'general', 80),
    ('demand.assist', 'demand', '困难群众帮扶', 'community', 'civil', 'general', 81),
    ('demand.utility', 'demand', '水电气暖', 'street', 'water', 'general', 82),
    ('demand.other', 'demand', '其他诉求', 'community', 'civil', 'general', 83),
    ('health', NULL, '公共卫生与食品安全', 'street', 'health', 'general', 90),
    ('health.epidemic', 'health', '卫生防疫', 'street', 'health', 'general', 91),
    ('health.food', 'health', '食品安全', 'street', 'market', 'general', 92);

-- Defaults (12345 practice: 紧急 2 h, 水电气热 24 h, 一般 7 days, 复杂 15 days;
-- configurable, not law).
INSERT INTO event_time_limits (category, step, urgency, amount, unit) VALUES
    ('*', 'accept', 'normal', 4, 'work_hours'), ('*', 'accept', 'urgent', 1, 'hours'), ('*', 'accept', 'critical', 30, 'minutes'),
    ('*', 'file', 'normal', 4, 'work_hours'), ('*', 'file', 'urgent', 1, 'hours'), ('*', 'file', 'critical', 30, 'minutes'),
    ('*', 'dispatch', 'normal', 2, 'work_hours'), ('*', 'dispatch', 'urgent', 30, 'minutes'), ('*', 'dispatch', 'critical', 15, 'minutes'),
    ('*', 'handle', 'normal', 5, 'work_days'), ('*', 'handle', 'urgent', 24, 'hours'), ('*', 'handle', 'critical', 2, 'hours'),
    ('*', 'verify', 'normal', 1, 'work_days'), ('*', 'verify', 'urgent', 4, 'hours'), ('*', 'verify', 'critical', 2, 'hours'),
    ('*', 'close', 'normal', 1, 'work_days'), ('*', 'close', 'urgent', 4, 'work_hours'), ('*', 'close', 'critical', 4, 'hours'),
    ('dispute', 'handle', 'normal', 10, 'work_days'),
    ('demand.utility', 'handle', 'normal', 24, 'hours'),
    ('safety.gas', 'handle', 'normal', 4, 'hours'), ('safety.gas', 'dispatch', 'normal', 15, 'minutes');
