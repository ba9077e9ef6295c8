-- The roster's indicators in the catalogue (示例), computed from the
-- entities of internal/workforce: 社区工作者, 协管员 and 五老 in office at
-- the period's end, holders of a social work certificate, the period's
-- training hours, and staffing per 1,000 residents — 社区工作者 over the
-- register's persons (WF006), in ‰, to set beside the baseline of one per
-- 350 residents (≈ 2.86 ‰).
INSERT INTO indicators (code, name, entity, filter_expr, measure, field, denominator, period_rule, unit, decimals,
    department, note, sample, version, updated_at, updated_by) VALUES
    ('WF001', '社区工作者人数', 'workforce', '类别 = 社区工作者', 'count', '', '', 'end', '人', 0, 'civil',
     '期末在职的书记/主任、社区工作者和网格员,一人兼多岗只计一次', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('WF002', '协管员人数', 'workforce', '类别 = 协管员', 'count', '', '', 'end', '人', 0, 'civil',
     '期末在职的协管员(含五老)', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('WF003', '五老协管员人数', 'workforce', '类别 = 协管员 且 五老 = 是', 'count', '', '', 'end', '人', 0, 'civil',
     '期末在职、具有五老身份的协管员', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('WF004', '持证社会工作者', 'workforce', '持社工证 = 是', 'count', '', '', 'end', '人', 0, 'civil',
     '期末持有有效的助理社会工作师、社会工作师或高级社会工作师证书的人数', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('WF005', '培训学时', 'workforce_training', '', 'sum', 'hours', '', 'new', '学时', 1, 'civil',
     '期内社区工作人员参加培训的学时合计', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('WF006', '实有人口(配备基数)', 'person', '', 'count', '', '', 'end', '人', 0, 'civil',
     '期末在册的实有人口,社区工作者配备比例的分母', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('WF007', '每千名居民社区工作者数', 'workforce', '类别 = 社区工作者', 'share', '', 'WF006', 'end', '‰', 2, 'civil',
     '期末社区工作者人数 ÷ 实有人口 × 1000;基准约每350名居民1名,即约2.86', 1, 1, '2026-01-01T00:00:00Z', '示例');
