-- Work done counted from another capability's records: counted_from
-- 'visits' makes the visits recorded (百家熟) an item's work done, for a
-- community and month its staff did not record by hand — the precedence
-- the inbox's done demands have. The sample catalogue gains the item.
ALTER TABLE work_items ADD COLUMN counted_from TEXT NOT NULL DEFAULT '';

INSERT INTO work_items (id, kind, department, title, legal_basis, content, frequency, staff_minutes, funding_rule,
    funding_fen, authority, valid_from, valid_to, status, sample, counted_from, updated_at) VALUES
    (1124, 'duty', 'zongzhi', '入户走访(百家熟)', '《关于加强基层治理体系和治理能力现代化建设的意见》',
     '社区依法履行:网格员入户走访,入百家门、知百家情、办百家事;每登记一次走访计一次', '每日', 20, 'none', 0, '',
     '2026-01-01', '', 'admitted', 1, 'visits', '2026-01-01T00:00:00Z');

-- 百家熟's indicators in the catalogue (示例): 走访户数 (households where
-- someone was met, counted once), the month's due visits, 覆盖率 (those
-- done of them) and 超期 (due visits past their overdue day at the
-- period's end), computed from the visits' entities.
INSERT INTO indicators (code, name, entity, filter_expr, measure, field, denominator, period_rule, unit, decimals,
    department, note, sample, version, updated_at, updated_by) VALUES
    ('V001', '走访户数', 'visit', '结果 = 见到住户', 'distinct', 'household', '', 'new', '户', 0, 'zongzhi',
     '期内入户走访见到住户的户数,一户多次只计一次', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('V002', '到期走访任务', 'visit_due', '', 'count', '', '', 'new', '次', 0, 'zongzhi',
     '期内可以走访(窗口打开)的走访任务', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('V003', '走访覆盖率', 'visit_due', '已完成 = 是', 'share', '', 'V002', 'new', '%', 1, 'zongzhi',
     '期内到期的走访任务中已走访完成的比例', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('V004', '超期走访任务', 'visit_due', '超期 = 是', 'count', '', '', 'end', '次', 0, 'zongzhi',
     '期末已过超期日仍未走访的任务', 1, 1, '2026-01-01T00:00:00Z', '示例');
