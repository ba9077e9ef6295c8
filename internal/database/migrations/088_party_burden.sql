-- The employers' cards (季度服务反馈卡, 年度评价) a community sent: one row
-- per community, employer and period (2026Q3, 2026), written the first
-- time the community's staff produce the card after the period ended;
-- later downloads are re-prints and leave it as it is. The sending is the
-- staff's work the burden dashboard counts, and what /party-service
-- shows as sent or still due.
CREATE TABLE party_cards_sent (
    community_id BIGINT NOT NULL,
    employer TEXT NOT NULL,
    period TEXT NOT NULL,                  -- 2026Q3 (quarterly card) or 2026 (yearly evaluation)
    yearly INTEGER NOT NULL DEFAULT 0,
    members INTEGER NOT NULL DEFAULT 0,    -- the members the card listed when sent
    format TEXT NOT NULL DEFAULT 'pdf' CHECK (format IN ('pdf', 'xlsx')),
    sent_on TEXT NOT NULL,                 -- the day in Shanghai
    sent_at TEXT NOT NULL,
    sent_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, employer, period)
);
CREATE INDEX party_cards_sent_day ON party_cards_sent (community_id, sent_on);

-- The staff acts counted by month (partymembers.Service.DoneByMonth) read
-- the reports and wishes by community and day.
CREATE INDEX party_member_reports_day ON party_member_reports (community_id, reported_on);
CREATE INDEX party_wishes_posted ON party_wishes (community_id, posted_on);
CREATE INDEX party_wishes_confirmed ON party_wishes (community_id, confirmed_on);

-- 在职党员双报到 in the sample catalogue (示例): what the community's staff
-- do for it — registering a member, recording each six-monthly re-report,
-- recording a resident's 微心愿 and confirming it fulfilled, sending an
-- employer its quarterly card or yearly evaluation — each an occurrence
-- of 20 minutes, counted from the records of internal/partymembers
-- (counted_from 'party', as 'visits' in 075) for a community and month
-- its staff did not record by hand. The members' own service is not the
-- staff's work: it counts as service in DY03.
INSERT INTO work_items (id, kind, department, title, legal_basis, content, frequency, staff_minutes, funding_rule,
    funding_fen, authority, valid_from, valid_to, status, sample, counted_from, updated_at) VALUES
    (1125, 'duty', 'organization', '在职党员到社区报到(双报到)服务管理', '《关于组织在职党员到社区报到为群众服务的通知》',
     '社区依法履行:在职党员报到登记、每半年再次报到登记、微心愿登记与确认实现、向党员所在单位送达季度反馈卡和年度评价;每办理一件计一次', '按需', 20, 'none', 0, '',
     '2026-01-01', '', 'admitted', 1, 'party', '2026-01-01T00:00:00Z');
