-- 社区社会组织 in the catalogue of indicators (示例), computed from the
-- entities of internal/socialorgs: the organisations filed with the
-- street at the period's end, the same per ten thousand residents (over
-- the register's persons of WF006, migration 086; 民政部《关于大力培育发展
-- 社区社会组织的意见》 sets targets per community, and assessments ask it per
-- ten thousand), the activities held in the period and the participants
-- they counted. 民政 owns them: civil affairs register and file social
-- organisations.
INSERT INTO indicators (code, name, entity, filter_expr, measure, field, denominator, period_rule, unit, decimals,
    department, note, sample, version, updated_at, updated_by) VALUES
    ('SO01', '备案社区社会组织数', 'social_org', '', 'count', '', '', 'end', '个', 0, 'civil',
     '期末在街道备案且未注销的社区社会组织(筹备中的不计)', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('SO02', '每万人社区社会组织数', 'social_org', '', 'share', '', 'WF006', 'end', '‱', 2, 'civil',
     '期末备案社区社会组织数 ÷ 实有人口 × 10000', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('SO03', '社区社会组织活动场次', 'social_org_activity', '', 'count', '', '', 'new', '场', 0, 'civil',
     '期内社区社会组织举办的活动场次(按活动日期)', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('SO04', '社区社会组织活动参加人次', 'social_org_activity', '', 'sum', 'participants', '', 'new', '人次', 0, 'civil',
     '期内社区社会组织活动的参加人数合计', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('SO05', '枢纽型社区社会组织数', 'social_org', '枢纽型 = 是', 'count', '', '', 'end', '个', 0, 'civil',
     '期末已备案的枢纽型社区社会组织', 1, 1, '2026-01-01T00:00:00Z', '示例');
