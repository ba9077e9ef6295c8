-- 政府购买服务 (财政部令第102号): a community's need becomes a project (from
-- a passed 协商 decision or an admitted catalogue item), is tendered in
-- public with an evaluation rule (price points + weighted quality
-- criteria), bid for by filed social organisations, scored by a panel,
-- awarded, contracted with milestones, paid against accepted milestones and
-- finally rated by residents. Amounts in 分.
CREATE TABLE procurement_projects (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    title TEXT NOT NULL,
    category TEXT NOT NULL,                    -- a service kind of Categories
    goals TEXT NOT NULL,                       -- 服务目标
    terms TEXT NOT NULL DEFAULT '',            -- 服务要求与期限
    budget_fen BIGINT NOT NULL,
    matter_id BIGINT,                          -- proposals.id of the decision it carries out
    work_item_id BIGINT,                       -- work_items.id of the admitted catalogue item
    status TEXT NOT NULL DEFAULT 'planning',   -- planning, tender, awarded, contract, completed
    price_points INTEGER NOT NULL DEFAULT 0,   -- the price's share of 100 points
    tender_opens_at TEXT NOT NULL DEFAULT '',
    tender_closes_at TEXT NOT NULL DEFAULT '', -- bids are taken until this instant
    award_bid_id BIGINT,
    awarded_at TEXT NOT NULL DEFAULT '',
    contract_fen BIGINT NOT NULL DEFAULT 0,
    contract_signed_on TEXT NOT NULL DEFAULT '',
    contract_starts_on TEXT NOT NULL DEFAULT '',
    contract_ends_on TEXT NOT NULL DEFAULT '',
    completed_on TEXT NOT NULL DEFAULT '',
    satisfied INTEGER NOT NULL DEFAULT 0,      -- residents' ratings at the 评议会: 满意
    fair INTEGER NOT NULL DEFAULT 0,           -- 基本满意
    unsatisfied INTEGER NOT NULL DEFAULT 0,    -- 不满意
    evaluation TEXT NOT NULL DEFAULT '',       -- 绩效评价
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX procurement_projects_id ON procurement_projects (id);
CREATE INDEX procurement_projects_list ON procurement_projects (community_id, status, created_at);

-- The quality criteria of the evaluation rule, each worth up to max_points.
CREATE TABLE procurement_criteria (
    project_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    max_points INTEGER NOT NULL,
    sort INTEGER NOT NULL,
    PRIMARY KEY (project_id, id)
);

-- Bids: one standing bid per organisation and project (the partial unique
-- index); a bid withdrawn before the deadline may be replaced by a new row.
CREATE TABLE procurement_bids (
    project_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    org_community_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,                    -- social_orgs.id, filed
    price_fen BIGINT NOT NULL,
    proposal TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'valid',      -- valid, withdrawn
    submitted_at TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX procurement_bids_once ON procurement_bids (project_id, org_id) WHERE status = 'valid';

-- The evaluation panel (评审小组): persons of the register.
CREATE TABLE procurement_panel (
    project_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    seat INTEGER NOT NULL,                     -- 评委 1, 2 …: the public pages name seats, not persons
    PRIMARY KEY (project_id, person_id)
);

-- A panel member's points for one bid on one criterion.
CREATE TABLE procurement_scores (
    project_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    bid_id BIGINT NOT NULL,
    criterion_id BIGINT NOT NULL,
    points INTEGER NOT NULL,
    scored_at TEXT NOT NULL,
    PRIMARY KEY (project_id, person_id, bid_id, criterion_id)
);

CREATE TABLE procurement_milestones (
    project_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    accepted_on TEXT NOT NULL DEFAULT '',      -- 验收 date; '' until accepted
    accepted_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, id)
);

-- Payments, each for an accepted milestone; never edited.
CREATE TABLE procurement_payments (
    project_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    milestone_id BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    fund_id BIGINT,                            -- the community fund it was paid from, when known
    memo TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, id)
);
