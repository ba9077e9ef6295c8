-- 社区经费: a community's funds (工作经费, 以奖代补, 费随事转, 专项, 捐赠)
-- and their ledger. Entries are append-only, in 分: a correction is a
-- reversing entry (冲销) naming the entry it cancels, never an edit; no
-- code path updates or deletes an entry. fund_sums keeps each fund's
-- running sums in the same transaction as the entry, so a balance is one
-- row; fund_month_sums keeps them by month and line, so a city's monthly
-- statement reads thousands of rows, not the ledger.

-- Allocation rules as data (测算规则): by households in tiers (乌海) or a
-- base plus an amount per so many residents (成都). tiers is JSON
-- [{"from": households, "fen": amount}], the last tier whose from the
-- count reaches applies. negative_list is what funds under the rule may not
-- be spent on: category codes or keywords, one a line.
CREATE TABLE fund_rules (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    basis TEXT NOT NULL CHECK (basis IN ('households', 'residents')),
    tiers TEXT NOT NULL DEFAULT '',
    base_fen BIGINT NOT NULL DEFAULT 0,
    per_count INTEGER NOT NULL DEFAULT 0,     -- per so many (100 residents); full units only
    per_fen BIGINT NOT NULL DEFAULT 0,
    negative_list TEXT NOT NULL DEFAULT '',
    budget_by TEXT NOT NULL DEFAULT '',       -- MM-DD the next year's budget is due by
    authority TEXT NOT NULL DEFAULT '',
    sample INTEGER NOT NULL DEFAULT 0         -- 示例: shipped to be edited
);
INSERT INTO fund_rules (code, name, basis, tiers, base_fen, per_count, per_fen, negative_list, budget_by, authority, sample) VALUES
    ('wuhai', '乌海:按户数分档', 'households',
     '[{"from":0,"fen":1000000},{"from":1000,"fen":3000000},{"from":2001,"fen":4000000}]', 0, 0, 0,
     '', '', '乌海市社区工作经费按户数分档:不足1000户1万元,1000—2000户3万元,2000户以上4万元', 1),
    ('chengdu', '成都:保障激励资金', 'residents', '', 10000000, 100, 150000,
     '宴请
礼品
烟酒
旅游
发放津补贴
偿还债务', '12-31', '成都市城乡社区发展治理保障激励资金:每个社区10万元,另按每百名居民1500元;负面清单;当年12月31日前编制下年预算', 1);

CREATE TABLE funds (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('working', 'award', 'transfer', 'special', 'donation')),
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '',          -- 资金来源: who gives it
    rule_code TEXT NOT NULL DEFAULT '',       -- fund_rules.code the allocation is computed by
    negative_list TEXT NOT NULL DEFAULT '',   -- category codes or keywords, one a line
    idle_days INTEGER NOT NULL DEFAULT 0,     -- idle when money lies unspent this long (0: no rule)
    idle_by TEXT NOT NULL DEFAULT '',         -- or when money is left after this day (YYYY-MM-DD)
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, year, name)
);
CREATE INDEX funds_id ON funds (id);

-- amount_fen is signed: what the entry adds to the fund's balance. line is
-- the sum it moves: allocated, received or spent. A reversal carries the
-- line of the entry it reverses and the amount negated.
CREATE TABLE fund_entries (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    fund_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('allocation', 'receipt', 'expense', 'transfer_in', 'transfer_out', 'reversal')),
    line TEXT NOT NULL CHECK (line IN ('allocated', 'received', 'spent')),
    amount_fen BIGINT NOT NULL,
    on_date TEXT NOT NULL,                    -- YYYY-MM-DD
    category TEXT NOT NULL DEFAULT '',        -- an expense's category code
    party TEXT NOT NULL DEFAULT '',           -- payee of an expense, payer of a receipt
    description TEXT NOT NULL DEFAULT '',
    basis TEXT NOT NULL DEFAULT '',           -- an allocation's rule and counts (JSON)
    reverses BIGINT,                          -- the entry a reversal cancels
    other_fund_id BIGINT,                     -- a transfer's other fund
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL))
);
CREATE INDEX fund_entries_fund ON fund_entries (community_id, fund_id, on_date);
CREATE INDEX fund_entries_id ON fund_entries (id);
CREATE UNIQUE INDEX fund_entries_reverses ON fund_entries (reverses);

CREATE TABLE fund_sums (
    community_id BIGINT NOT NULL,
    fund_id BIGINT NOT NULL,
    allocated_fen BIGINT NOT NULL DEFAULT 0,
    received_fen BIGINT NOT NULL DEFAULT 0,
    spent_fen BIGINT NOT NULL DEFAULT 0,
    entries INTEGER NOT NULL DEFAULT 0,
    first_in_on TEXT NOT NULL DEFAULT '',     -- the first money in: idle is counted from it
    last_out_on TEXT NOT NULL DEFAULT '',     -- or from the last money out
    PRIMARY KEY (community_id, fund_id)
);

-- line here is allocated, received, or spent:<category> (transfers out
-- under spent:transfer), so a statement has expenses by category.
CREATE TABLE fund_month_sums (
    community_id BIGINT NOT NULL,
    fund_id BIGINT NOT NULL,
    month TEXT NOT NULL,                      -- YYYY-MM
    line TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (community_id, fund_id, month, line)
);
CREATE INDEX fund_month_sums_city ON fund_month_sums (month);

CREATE TABLE fund_budgets (
    community_id BIGINT NOT NULL,
    fund_id BIGINT NOT NULL,
    category TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, fund_id, category)
);

INSERT INTO permissions (code, name, sort) VALUES
    ('funds.manage', '社区经费:登记拨付、到账、支出、冲销和预算', 900),
    ('funds.read', '查看社区经费台账、余额和收支报表', 910);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'funds.read'),
    ('community_head', 'funds.manage'), ('community_head', 'funds.read'),
    ('community_staff', 'funds.manage'), ('community_staff', 'funds.read'),
    ('street_operator', 'funds.read'), ('district_operator', 'funds.read');
