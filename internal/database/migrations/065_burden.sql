-- 部门业务系统: the department's own software in which a community must
-- still enter the work of an item ('' when it is done in shequ alone). The
-- burden dashboard counts the distinct systems the items in force still
-- need, the 上面千条线 a community logs into besides this one.
ALTER TABLE work_items ADD COLUMN system TEXT NOT NULL DEFAULT '';
ALTER TABLE work_requests ADD COLUMN system TEXT NOT NULL DEFAULT '';

-- The sample catalogue's items whose work the departments still collect in
-- their national or provincial systems, as communities report them.
UPDATE work_items SET system = '全国社会救助信息系统' WHERE id IN (1014, 1051, 1052, 1053) AND sample = 1;
UPDATE work_items SET system = '全国养老服务信息系统' WHERE id IN (1015, 1054) AND sample = 1;
UPDATE work_items SET system = '全国综治信息系统' WHERE id IN (1029, 1030, 1080) AND sample = 1;
UPDATE work_items SET system = '全国人口管理信息系统' WHERE id IN (1032, 1033, 1058) AND sample = 1;
UPDATE work_items SET system = '退役军人信息管理系统' WHERE id IN (1042, 1074, 1075) AND sample = 1;
UPDATE work_items SET system = '残疾人证管理系统' WHERE id IN (1072, 1073) AND sample = 1;
UPDATE work_items SET system = '全国残疾人基本服务状况和需求信息数据动态更新系统' WHERE id = 1040 AND sample = 1;
UPDATE work_items SET system = '全国社区矫正信息管理系统' WHERE id = 1077 AND sample = 1;
UPDATE work_items SET system = '城乡居民养老保险信息系统' WHERE id IN (1067, 1069) AND sample = 1;
UPDATE work_items SET system = '全国严重精神障碍信息系统' WHERE id = 1065 AND sample = 1;
UPDATE work_items SET system = '公共就业服务信息系统' WHERE id IN (1045, 1070) AND sample = 1;

-- The dashboard's year of work for a unit reads the recorded work by month
-- and item without touching the table.
CREATE INDEX work_done_month_item ON work_done (period, item_id, community_id, occurrences);

-- Active households per community, kept by triggers on households (the
-- .sqlite and .postgres parts of this migration) as the register writes
-- them: the 费随事转 ledger pays per household, and a city's board of 500
-- communities cannot count 1.5 million rows each time it is shown.
CREATE TABLE community_households (
    community_id BIGINT PRIMARY KEY,
    active INTEGER NOT NULL DEFAULT 0
);
INSERT INTO community_households (community_id, active)
    SELECT community_id, COUNT(*) FROM households WHERE status = 'active' GROUP BY community_id;
