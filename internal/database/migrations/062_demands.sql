-- 社区收件箱: every demand a department or the street makes of a community
-- (a catalogue item falling due, a campaign, an inspection, a meeting, a
-- plaque, a form), and the community's answer. A demand resting on no
-- admitted, funded item is refusable in one step.

CREATE TABLE demands (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('item', 'campaign', 'inspection', 'meeting', 'plaque', 'form')),
    title TEXT NOT NULL,
    department TEXT REFERENCES departments (code), -- NULL: the street itself
    from_name TEXT NOT NULL,
    community_id BIGINT NOT NULL REFERENCES org_units (id),
    due_on TEXT NOT NULL,
    work_item_id BIGINT REFERENCES work_items (id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'refused', 'done')),
    refusal_reason TEXT NOT NULL DEFAULT '',
    sent_at TEXT NOT NULL,
    sent_by TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX demands_community ON demands (community_id, status, due_on);

INSERT INTO permissions (code, name, sort) VALUES
    ('workaccess.demand', '向社区派发工作', 720),
    ('workaccess.inbox', '查看社区收件箱', 730),
    ('workaccess.answer', '接收或拒绝派给社区的工作', 740);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'workaccess.demand'), ('admin', 'workaccess.inbox'),
    ('street_operator', 'workaccess.demand'), ('street_operator', 'workaccess.inbox'),
    ('community_head', 'workaccess.inbox'), ('community_head', 'workaccess.answer'),
    ('community_staff', 'workaccess.inbox'), ('community_staff', 'workaccess.answer'),
    ('dept_police', 'workaccess.demand'), ('dept_civil', 'workaccess.demand'), ('dept_health', 'workaccess.demand'),
    ('dept_labour', 'workaccess.demand'), ('dept_disabled', 'workaccess.demand'), ('dept_justice', 'workaccess.demand'),
    ('dept_veterans', 'workaccess.demand'), ('dept_zongzhi', 'workaccess.demand');

-- Report templates and departments' export templates name the catalogue
-- item that authorises the work they serve; NULL is shown as 未准入.
ALTER TABLE export_templates ADD COLUMN work_item_id BIGINT REFERENCES work_items (id);
ALTER TABLE report_templates ADD COLUMN work_item_id BIGINT REFERENCES work_items (id);
