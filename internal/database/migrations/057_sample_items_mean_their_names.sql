-- The sample report's items as shipped, corrected where an installation
-- still has them as shipped (sample, never edited): 本期出生 counts the
-- babies born within the period, not those under one registered in it;
-- what the hall and the events record (certificates, 诉求, disputes and
-- their mediation, 临时救助) is computed instead of typed; averages of
-- ages, floors and staff have one decimal place, sums of area and rent two.
UPDATE indicators SET filter_expr = '期内出生', period_rule = 'during'
    WHERE code = 'A019' AND sample = 1 AND version = 1;
UPDATE indicators SET entity = 'application', filter_expr = '事项 = 临时救助 且 状态 = 批准', measure = 'count', period_rule = 'new'
    WHERE code = 'E026' AND sample = 1 AND version = 1 AND measure = 'manual';
UPDATE indicators SET entity = 'event', filter_expr = '事件类型 = 矛盾纠纷', measure = 'count', period_rule = 'new'
    WHERE code = 'I024' AND sample = 1 AND version = 1 AND measure = 'manual';
UPDATE indicators SET entity = 'event', filter_expr = '事件类型 = 矛盾纠纷 且 调解结果 = 调解成功 且 已结案', measure = 'count', period_rule = 'new'
    WHERE code = 'I025' AND sample = 1 AND version = 1 AND measure = 'manual';
UPDATE indicators SET entity = 'certificate', filter_expr = '', measure = 'count', period_rule = 'new'
    WHERE code = 'M013' AND sample = 1 AND version = 1 AND measure = 'manual';
UPDATE indicators SET entity = 'event', filter_expr = '来源 != 网格员上报 且 状态 不属于 (待受理, 不予受理, 已合并, 已转办)', measure = 'count', period_rule = 'new'
    WHERE code = 'M016' AND sample = 1 AND version = 1 AND measure = 'manual';
UPDATE indicators SET decimals = 1
    WHERE code IN ('B044', 'B045', 'B046', 'B047', 'B048', 'F011', 'L020', 'H019', 'J017') AND sample = 1 AND version = 1;
UPDATE indicators SET decimals = 2
    WHERE code IN ('J007', 'J009', 'J023') AND sample = 1 AND version = 1;
