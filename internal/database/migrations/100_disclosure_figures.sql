-- 居务公开 content computed from report figures: the events and
-- applications of the period as indicators (so a publication shows what
-- the community's report of that period shows), two sample rows that
-- publish them and the 群众满意度 of migration 099, and the 低保 row
-- publishing the list of households with names masked, as the 公示 rules
-- allow (the sample row as shipped only: a community's edit stands).
--
-- 期内新增 counts what meets the filter at the period's end but not at its
-- start: events accepted, events closed, applications accepted and
-- finished within the period.
INSERT INTO indicators (code, name, entity, filter_expr, measure, field, denominator, period_rule, unit, decimals,
    department, note, sample, version, updated_at, updated_by) VALUES
    ('GK01', '期内受理群众反映事件数', 'event', '状态 不属于 (待受理, 不予受理, 已合并, 已转办)', 'count', '', '', 'new', '件', 0, 'zongzhi',
     '期内受理(未不予受理、合并或转办)的事件', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('GK02', '期内结案事件数', 'event', '已结案 = 是', 'count', '', '', 'new', '件', 0, 'zongzhi',
     '期内结案的事件', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('GK03', '期内受理办件数', 'application', '已受理 = 是', 'count', '', '', 'new', '件', 0, 'civil',
     '期内材料齐全、受理的办件', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('GK04', '期内办结办件数', 'application', '已办结 = 是', 'count', '', '', 'new', '件', 0, 'civil',
     '期内办结(批准或不予批准)的办件', 1, 1, '2026-01-01T00:00:00Z', '示例');

INSERT INTO disclosure_items (id, community_id, category, item, content, basis, rule, rule_days, responsible, channel,
    computed, starts_on, active, sample, sort, version, updated_at, updated_by) VALUES
    (7, NULL, '居务', '为民服务办理情况', '受理和结案的群众反映事件,受理和办结的办事申请', '居务公开目录',
     'monthly', 0, '社区居委会主任', '公开栏、网上公开页', 'handling', '2026-01-01', 1, 1, 70, 1, '2026-01-01T00:00:00Z', '示例'),
    (8, NULL, '居务', '群众满意度', '居民对事件处置、办事、入户走访和志愿服务活动的评价及满意率', '居务公开目录;城乡社区治理考核',
     'quarterly', 0, '社区党组织书记', '公开栏、网上公开页', 'satisfaction', '2026-01-01', 1, 1, 80, 1, '2026-01-01T00:00:00Z', '示例');

UPDATE disclosure_items SET computed = 'dibao_list',
    content = '低保户数、新增与退出;低保户名单(户主姓名隐去,不含身份证号、电话和住址);救助对象与标准'
    WHERE id = 2 AND sample = 1 AND version = 1 AND computed = 'dibao';
