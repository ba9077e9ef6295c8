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
