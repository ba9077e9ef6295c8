-- 居务公开: the catalogue of what a community must make public and when
-- (item, content elements, basis, deadline rule, responsible role,
-- channel), the publications each row schedules per community, and the
-- residents' questions about a publication with their answers.
--
-- A catalogue row with community_id NULL is the shipped sample and holds
-- in every community; a community's own rows carry its id. rule is one of
-- monthly (by the 10th of the next month), quarterly (by the 15th of the
-- month after the quarter), after_decision (within rule_days days of the
-- decision) and at_once (by the day after the decision). computed names
-- what shequ adds at publication from what it holds: '' nothing,
-- 'register' the community's persons and households, 'dibao' the number
-- of 低保 households (counts only: names are published by hand, as the
-- 救助 rules allow).
CREATE TABLE disclosure_items (
    id BIGINT NOT NULL PRIMARY KEY,
    community_id BIGINT,
    category TEXT NOT NULL DEFAULT '居务',  -- 党务, 居务, 财务
    item TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',        -- 公开内容要素
    basis TEXT NOT NULL DEFAULT '',          -- 公开依据
    rule TEXT NOT NULL CHECK (rule IN ('monthly', 'quarterly', 'after_decision', 'at_once')),
    rule_days INTEGER NOT NULL DEFAULT 0,
    responsible TEXT NOT NULL DEFAULT '',    -- 责任人(岗位)
    channel TEXT NOT NULL DEFAULT '',        -- 公开栏, 网上公开页 …
    computed TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,                 -- the first period scheduled ends on or after this day
    active INTEGER NOT NULL DEFAULT 1,
    sample INTEGER NOT NULL DEFAULT 0,
    sort INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX disclosure_items_community ON disclosure_items (community_id);

-- One scheduled publication: a period of a periodic row ('2026-03',
-- '2026-Q1') made by the daily pass, or a decision of an event-driven row
-- ('D' and the row's id) entered by staff. escalated_on is the day the
-- daily pass raised it as 督办 (once).
CREATE TABLE disclosure_publications (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    item_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    decided_on TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL,
    published_on TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    computed TEXT NOT NULL DEFAULT '',       -- the block computed at publication, frozen
    published_by TEXT NOT NULL DEFAULT '',
    escalated_on TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, item_id, period)
);
CREATE INDEX disclosure_publications_due ON disclosure_publications (community_id, published_on, due_on);

-- A resident's question about a publication (no login). The phone is
-- optional, seen by staff only.
CREATE TABLE disclosure_questions (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    publication_id BIGINT NOT NULL,
    text TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    asked_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered')),
    answer TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX disclosure_questions_publication ON disclosure_questions (community_id, publication_id);

-- The sample catalogue (示例), after the common 居务公开 目录 of the
-- 村(居)务公开 rules: finances monthly, assistance quarterly, major matters
-- at once or within days of the decision.
INSERT INTO disclosure_items (id, community_id, category, item, content, basis, rule, rule_days, responsible, channel,
    computed, starts_on, active, sample, sort, version, updated_at, updated_by) VALUES
    (1, NULL, '财务', '财务收支', '当月收入、支出明细,结余;大额支出的用途与审批', '《城乡社区财务管理办法》;居务公开目录',
     'monthly', 0, '社区报账员', '公开栏、网上公开页', '', '2026-01-01', 1, 1, 10, 1, '2026-01-01T00:00:00Z', '示例'),
    (2, NULL, '居务', '低保、救助对象', '低保户数、新增与退出;救助对象与标准(姓名按规定公示)', '《社会救助暂行办法》第十一条',
     'quarterly', 0, '社区民政专干', '公开栏、网上公开页', 'dibao', '2026-01-01', 1, 1, 20, 1, '2026-01-01T00:00:00Z', '示例'),
    (3, NULL, '居务', '重大事项', '事项、决策程序、表决结果、实施安排', '《城市居民委员会组织法》第十条',
     'at_once', 1, '社区居委会主任', '公开栏、网上公开页', '', '2026-01-01', 1, 1, 30, 1, '2026-01-01T00:00:00Z', '示例'),
    (4, NULL, '居务', '惠民政策', '政策名称、对象、标准、办理流程', '居务公开目录',
     'quarterly', 0, '社区党组织书记', '公开栏、网上公开页', '', '2026-01-01', 1, 1, 40, 1, '2026-01-01T00:00:00Z', '示例'),
    (5, NULL, '居务', '社区基本情况', '实有人口、户数', '居务公开目录',
     'quarterly', 0, '社区综治专干', '网上公开页', 'register', '2026-01-01', 1, 1, 50, 1, '2026-01-01T00:00:00Z', '示例'),
    (6, NULL, '居务', '居民会议决定', '会议议题、决定、执行情况', '《城市居民委员会组织法》第十条',
     'after_decision', 5, '社区居委会主任', '公开栏、网上公开页', '', '2026-01-01', 1, 1, 60, 1, '2026-01-01T00:00:00Z', '示例');
