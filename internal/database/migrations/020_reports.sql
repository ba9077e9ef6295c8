-- Reports computed, not filled (报表): indicators declared as data, report
-- templates in a department's layout (大类 > 小类 > 项), values typed by hand
-- where the register cannot know them, sign-offs with the values confirmed,
-- and validation rules. Indicators, templates and rules are small
-- catalogues (replicated); entries and sign-offs are community data and
-- lead their keys with community_id.

-- An indicator (指标): which records (entity and filter, in the readable
-- form of internal/indicators), what to do with them (measure: count,
-- distinct, sum, avg, share, manual), and which records of the period
-- (period_rule: end 期末, during 期内, new 期内新增, left 期内减少).
CREATE TABLE indicators (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    entity TEXT NOT NULL DEFAULT '',
    filter_expr TEXT NOT NULL DEFAULT '',
    measure TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',         -- measured field of distinct, sum, avg
    denominator TEXT NOT NULL DEFAULT '',   -- the indicator a share divides by
    period_rule TEXT NOT NULL DEFAULT 'end',
    unit TEXT NOT NULL DEFAULT '',
    department TEXT REFERENCES departments (code),
    note TEXT NOT NULL DEFAULT '',
    sample INTEGER NOT NULL DEFAULT 0,      -- shipped as a sample (示例)
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

-- A report template: the form a department asks for, in its own layout.
CREATE TABLE report_templates (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    frequency TEXT NOT NULL,                -- month, quarter, year
    department TEXT REFERENCES departments (code),
    description TEXT NOT NULL DEFAULT '',
    sample INTEGER NOT NULL DEFAULT 0,
    sheet TEXT NOT NULL DEFAULT '报表',      -- the xlsx sheet the items land on
    title_cell TEXT NOT NULL DEFAULT 'A1',  -- where the title, the unit and the period go
    unit_cell TEXT NOT NULL DEFAULT 'A2',
    period_cell TEXT NOT NULL DEFAULT 'D2',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

-- 大类 (parent_id NULL) and 小类 (parent_id a 大类).
CREATE TABLE report_sections (
    template_id BIGINT NOT NULL REFERENCES report_templates (id),
    id BIGINT NOT NULL,
    parent_id BIGINT,
    name TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (template_id, id)
);

-- 项: one indicator in a 小类, with the department that requires it, how
-- often it is due and the cell its value lands in.
CREATE TABLE report_items (
    template_id BIGINT NOT NULL REFERENCES report_templates (id),
    id BIGINT NOT NULL,
    section_id BIGINT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',         -- as printed on the form; '' = the indicator's name
    indicator TEXT NOT NULL REFERENCES indicators (code),
    department TEXT REFERENCES departments (code),
    frequency TEXT NOT NULL DEFAULT 'month',
    cell TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (template_id, id)
);
CREATE INDEX report_items_indicator ON report_items (indicator);

-- Validation rules (校验规则) over indicator values, e.g. P0304 <= P0203
-- (育龄妇女 ≤ 15–49岁女性): shown as warnings on every report holding them.
CREATE TABLE indicator_rules (
    id BIGINT PRIMARY KEY,
    expr TEXT NOT NULL,
    message TEXT NOT NULL,
    sample INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

-- Values the register cannot know, typed by the community for a period
-- (手工填报). A street's value is the sum of its communities'.
CREATE TABLE report_manual_values (
    community_id BIGINT NOT NULL,
    period TEXT NOT NULL,                   -- 2026-10, 2026-Q4, 2026
    indicator TEXT NOT NULL REFERENCES indicators (code),
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    entered_by TEXT NOT NULL DEFAULT '',
    entered_at TEXT NOT NULL,
    PRIMARY KEY (community_id, period, indicator)
);

-- A community's confirmation (确认) of a period's report: the values as
-- confirmed, so that later changes to the register or to definitions show
-- as differences instead of changing the report. A revoked sign-off stays
-- as history.
CREATE TABLE report_signoffs (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    template_id BIGINT NOT NULL REFERENCES report_templates (id),
    period TEXT NOT NULL,
    snapshot TEXT NOT NULL,                 -- JSON: items with their values
    signed_by TEXT NOT NULL,
    signed_by_id BIGINT,
    signed_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    revoked_at TEXT,
    revoked_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX report_signoffs_period ON report_signoffs (template_id, period, community_id);

-- Reading a community's register for reports touches a few columns of
-- every row; these covering indexes let both engines read them without the
-- rest of each row (see internal/indicators/register_rows.go).
CREATE INDEX persons_report ON persons (community_id, id, household_id, grid_id, org_id, employer_id,
    gender, residence, status, birth_date, ethnicity, relation);
CREATE INDEX households_report ON households (community_id, id, house_id, grid_id, org_id, kind, status);
CREATE INDEX houses_report ON houses (community_id, id, building_id, grid_id, org_id, use, area_m2);
CREATE INDEX person_tags_report ON person_tags (community_id, person_id, id, tag, started_on, ended_on);
CREATE INDEX rentals_report ON rentals (community_id, id, house_id, started_on, ended_on, monthly_rent);
-- The changes of a community since a date, without reading the snapshots.
DROP INDEX change_events_at;
CREATE INDEX change_events_at ON change_events (community_id, entity, at, entity_id, op, id);

-- reports.read opens reports and ledgers in the holder's part of the tree;
-- a holder of a department role without reports.all sees only the items
-- its departments require (民政 reads 低保, not 社区矫正).
INSERT INTO permissions (code, name, sort) VALUES
    ('reports.read', '查看报表及台账', 100),
    ('reports.all', '查看报表的全部项目(否则只看本部门要求的项目)', 101),
    ('reports.signoff', '确认本社区报表', 110),
    ('reports.manual', '填报报表手工项', 120),
    ('reports.manage', '管理指标、报表模板和校验规则', 930);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'reports.read'), ('admin', 'reports.all'), ('admin', 'reports.manage'), ('admin', 'reports.manual'),
    ('admin', 'reports.signoff'),
    ('district_operator', 'reports.read'), ('district_operator', 'reports.all'),
    ('street_operator', 'reports.read'), ('street_operator', 'reports.all'),
    ('community_head', 'reports.read'), ('community_head', 'reports.all'), ('community_head', 'reports.signoff'),
    ('community_head', 'reports.manual'),
    ('community_staff', 'reports.read'), ('community_staff', 'reports.all'), ('community_staff', 'reports.signoff'),
    ('community_staff', 'reports.manual'),
    ('dept_police', 'reports.read'), ('dept_civil', 'reports.read'), ('dept_health', 'reports.read'),
    ('dept_labour', 'reports.read'), ('dept_disabled', 'reports.read'), ('dept_justice', 'reports.read'),
    ('dept_veterans', 'reports.read'), ('dept_zongzhi', 'reports.read');
