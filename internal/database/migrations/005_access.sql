-- Access control (权限): roles with their permissions and field sets, and
-- grants binding a role to a user at a place of the org tree. All of it is
-- data, so a deployment can adjust roles without a new release. The rows
-- below are the defaults the documents suggest.

-- Functional departments (职能部门): they require data and reports, and
-- receive dispatched events.
CREATE TABLE departments (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO departments (code, name, sort) VALUES
    ('police', '公安', 10),
    ('civil', '民政', 20),
    ('health', '卫生健康(计生)', 30),
    ('labour', '人力资源和社会保障', 40),
    ('disabled', '残联', 50),
    ('justice', '司法行政', 60),
    ('veterans', '退役军人事务', 70),
    ('zongzhi', '综治(政法委)', 80),
    ('urban', '城市管理', 90),
    ('housing', '住房和城乡建设', 100),
    ('market', '市场监管', 110),
    ('emergency', '应急管理', 120),
    ('ecology', '生态环境', 130),
    ('education', '教育', 140),
    ('water', '水务', 150);

CREATE TABLE permissions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO permissions (code, name, sort) VALUES
    ('register.read', '查看基础信息', 10),
    ('register.write', '采集、修改基础信息', 20),
    ('register.reveal', '查看完整证件号和电话(留痕)', 30),
    ('register.export', '导出基础信息(留痕)', 40),
    ('audit.read', '查询审计日志', 900),
    ('accounts.manage', '管理账号、授权和角色', 910),
    ('org.manage', '管理组织架构', 920);

CREATE TABLE roles (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- what a grant of the role is bound to: anywhere, subtree, community,
    -- station, grid, buildings (see access/role.go)
    place TEXT NOT NULL,
    department TEXT REFERENCES departments (code),
    all_fields INTEGER NOT NULL DEFAULT 0,
    sort INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE role_permissions (
    role TEXT NOT NULL REFERENCES roles (code),
    permission TEXT NOT NULL REFERENCES permissions (code),
    PRIMARY KEY (role, permission)
);

-- A role's field set: for each entity's field (or * for the fields not
-- named; for tags, * covers only the kinds that are not sensitive) whether
-- it is hidden, masked or shown in full, and whether it may be edited.
CREATE TABLE role_fields (
    role TEXT NOT NULL REFERENCES roles (code),
    entity TEXT NOT NULL,           -- person, household, house, organisation, rental, tag
    field TEXT NOT NULL,
    view TEXT NOT NULL,             -- hidden, masked, full
    edit INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (role, entity, field)
);

CREATE TABLE grants (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL REFERENCES roles (code),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grants_user ON grants (user_id);

-- The places a grant covers: one unit, or several (a station's communities,
-- a 楼栋长's buildings). A grant without units covers the whole tree.
CREATE TABLE grant_units (
    grant_id BIGINT NOT NULL REFERENCES grants (id),
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (grant_id, unit_id)
);

INSERT INTO roles (code, name, description, place, department, all_fields, sort) VALUES
    ('admin', '管理员', '维护系统、账号和角色;证件号和电话脱敏显示,查看完整号码留痕', 'anywhere', NULL, 0, 10),
    ('auditor', '审计员', '只查询审计日志,不看基础信息', 'anywhere', NULL, 0, 20),
    ('district_operator', '区县平台', '区县一级指挥平台:辖区内查询与导出,证件号和电话脱敏', 'subtree', NULL, 0, 30),
    ('street_operator', '街道平台', '街道二级平台:辖区内查询与导出,证件号和电话脱敏', 'subtree', NULL, 0, 40),
    ('community_head', '社区书记/主任', '本社区全部信息,含敏感人群标签', 'community', NULL, 0, 50),
    ('community_staff', '社区工作者', '本社区信息采集与维护,不含敏感人群标签', 'community', NULL, 0, 60),
    ('window_clerk', '窗口', '服务站窗口:所服务社区的居民查询与登记', 'station', NULL, 0, 70),
    ('grid_worker', '网格员', '本网格信息采集与维护,证件号和电话脱敏', 'grid', NULL, 0, 80),
    ('building_head', '楼栋长/中心户长', '所负责楼栋的居民名单,以查看为主,可更新电话和迁入日期', 'buildings', NULL, 0, 90),
    ('property', '物业公司', '所管小区内采集、更新居民基本信息;不可查看标签', 'buildings', NULL, 0, 100),
    ('dept_police', '公安', '辖区实有人口、房屋、出租;涉毒、刑释、重点青少年标签', 'subtree', 'police', 0, 200),
    ('dept_civil', '民政', '辖区低保、特困、独居和高龄老人', 'subtree', 'civil', 0, 210),
    ('dept_health', '卫生健康(计生)', '辖区育龄妇女、孕情、精神障碍', 'subtree', 'health', 0, 220),
    ('dept_labour', '人社', '辖区就业失业、单位与从业人员', 'subtree', 'labour', 0, 230),
    ('dept_disabled', '残联', '辖区残疾人', 'subtree', 'disabled', 0, 240),
    ('dept_justice', '司法行政', '辖区社区矫正、刑满释放人员', 'subtree', 'justice', 0, 250),
    ('dept_veterans', '退役军人事务', '辖区退役军人、优抚对象', 'subtree', 'veterans', 0, 260),
    ('dept_zongzhi', '综治', '辖区实有人口与特殊人群', 'subtree', 'zongzhi', 0, 270);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'register.read'), ('admin', 'register.write'), ('admin', 'register.reveal'),
    ('admin', 'register.export'), ('admin', 'audit.read'), ('admin', 'accounts.manage'), ('admin', 'org.manage'),
    ('auditor', 'audit.read'),
    ('district_operator', 'register.read'), ('district_operator', 'register.export'), ('district_operator', 'register.reveal'),
    ('street_operator', 'register.read'), ('street_operator', 'register.export'), ('street_operator', 'register.reveal'),
    ('community_head', 'register.read'), ('community_head', 'register.write'),
    ('community_head', 'register.reveal'), ('community_head', 'register.export'),
    ('community_staff', 'register.read'), ('community_staff', 'register.write'),
    ('community_staff', 'register.reveal'), ('community_staff', 'register.export'),
    ('window_clerk', 'register.read'), ('window_clerk', 'register.write'), ('window_clerk', 'register.reveal'),
    ('grid_worker', 'register.read'), ('grid_worker', 'register.write'),
    ('building_head', 'register.read'), ('building_head', 'register.write'),
    ('property', 'register.read'), ('property', 'register.write'),
    ('dept_police', 'register.read'), ('dept_police', 'register.export'),
    ('dept_civil', 'register.read'), ('dept_civil', 'register.export'),
    ('dept_health', 'register.read'), ('dept_health', 'register.export'),
    ('dept_labour', 'register.read'), ('dept_labour', 'register.export'),
    ('dept_disabled', 'register.read'), ('dept_disabled', 'register.export'),
    ('dept_justice', 'register.read'), ('dept_justice', 'register.export'),
    ('dept_veterans', 'register.read'), ('dept_veterans', 'register.export'),
    ('dept_zongzhi', 'register.read'), ('dept_zongzhi', 'register.export');

-- Administrators see and edit every field and tag, numbers masked until an
-- audited reveal: they keep the system, they do not need to read IDs.
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('admin', 'person', '*', 'full', 1), ('admin', 'person', 'id_number', 'masked', 1),
    ('admin', 'person', 'phone', 'masked', 1),
    ('admin', 'household', '*', 'full', 1), ('admin', 'household', 'phone', 'masked', 1),
    ('admin', 'house', '*', 'full', 1), ('admin', 'house', 'owner_phone', 'masked', 1),
    ('admin', 'organisation', '*', 'full', 1), ('admin', 'organisation', 'phone', 'masked', 1),
    ('admin', 'rental', '*', 'full', 1), ('admin', 'rental', 'landlord_phone', 'masked', 1),
    ('admin', 'tag', '*', 'full', 1), ('admin', 'tag', 'correction', 'full', 1),
    ('admin', 'tag', 'mental', 'full', 1), ('admin', 'tag', 'drug', 'full', 1),
    ('admin', 'tag', 'released', 'full', 1);

-- Platform operators: everything but ID and phone numbers in full; no
-- sensitive tags.
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('district_operator', 'person', '*', 'full', 0), ('district_operator', 'person', 'id_number', 'masked', 0),
    ('district_operator', 'person', 'phone', 'masked', 0),
    ('district_operator', 'household', '*', 'full', 0), ('district_operator', 'household', 'phone', 'masked', 0),
    ('district_operator', 'house', '*', 'full', 0), ('district_operator', 'house', 'owner_phone', 'masked', 0),
    ('district_operator', 'organisation', '*', 'full', 0), ('district_operator', 'organisation', 'phone', 'masked', 0),
    ('district_operator', 'rental', '*', 'full', 0), ('district_operator', 'rental', 'landlord_phone', 'masked', 0),
    ('district_operator', 'tag', '*', 'full', 0),
    ('street_operator', 'person', '*', 'full', 0), ('street_operator', 'person', 'id_number', 'masked', 0),
    ('street_operator', 'person', 'phone', 'masked', 0),
    ('street_operator', 'household', '*', 'full', 0), ('street_operator', 'household', 'phone', 'masked', 0),
    ('street_operator', 'house', '*', 'full', 0), ('street_operator', 'house', 'owner_phone', 'masked', 0),
    ('street_operator', 'organisation', '*', 'full', 0), ('street_operator', 'organisation', 'phone', 'masked', 0),
    ('street_operator', 'rental', '*', 'full', 0), ('street_operator', 'rental', 'landlord_phone', 'masked', 0),
    ('street_operator', 'tag', '*', 'full', 0);

-- Community staff keep the register: every field editable, numbers masked
-- until revealed. Only the head sees the sensitive tags.
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('community_head', 'person', '*', 'full', 1), ('community_head', 'person', 'id_number', 'masked', 1),
    ('community_head', 'person', 'phone', 'masked', 1),
    ('community_head', 'household', '*', 'full', 1), ('community_head', 'household', 'phone', 'masked', 1),
    ('community_head', 'house', '*', 'full', 1), ('community_head', 'house', 'owner_phone', 'masked', 1),
    ('community_head', 'organisation', '*', 'full', 1), ('community_head', 'organisation', 'phone', 'masked', 1),
    ('community_head', 'rental', '*', 'full', 1), ('community_head', 'rental', 'landlord_phone', 'masked', 1),
    ('community_head', 'tag', '*', 'full', 1), ('community_head', 'tag', 'correction', 'full', 1),
    ('community_head', 'tag', 'mental', 'full', 1), ('community_head', 'tag', 'drug', 'full', 1),
    ('community_head', 'tag', 'released', 'full', 1),
    ('community_staff', 'person', '*', 'full', 1), ('community_staff', 'person', 'id_number', 'masked', 1),
    ('community_staff', 'person', 'phone', 'masked', 1),
    ('community_staff', 'household', '*', 'full', 1), ('community_staff', 'household', 'phone', 'masked', 1),
    ('community_staff', 'house', '*', 'full', 1), ('community_staff', 'house', 'owner_phone', 'masked', 1),
    ('community_staff', 'organisation', '*', 'full', 1), ('community_staff', 'organisation', 'phone', 'masked', 1),
    ('community_staff', 'rental', '*', 'full', 1), ('community_staff', 'rental', 'landlord_phone', 'masked', 1),
    ('community_staff', 'tag', '*', 'full', 1),
    ('grid_worker', 'person', '*', 'full', 1), ('grid_worker', 'person', 'id_number', 'masked', 1),
    ('grid_worker', 'person', 'phone', 'masked', 1),
    ('grid_worker', 'household', '*', 'full', 1), ('grid_worker', 'household', 'phone', 'masked', 1),
    ('grid_worker', 'house', '*', 'full', 1), ('grid_worker', 'house', 'owner_phone', 'masked', 1),
    ('grid_worker', 'organisation', '*', 'full', 1), ('grid_worker', 'organisation', 'phone', 'masked', 1),
    ('grid_worker', 'rental', '*', 'full', 1), ('grid_worker', 'rental', 'landlord_phone', 'masked', 1),
    ('grid_worker', 'tag', '*', 'full', 1);

-- The service window registers applicants and needs their service tags to
-- judge eligibility, not the special-group ones.
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('window_clerk', 'person', '*', 'full', 1), ('window_clerk', 'person', 'id_number', 'masked', 1),
    ('window_clerk', 'person', 'phone', 'masked', 1),
    ('window_clerk', 'household', '*', 'full', 0), ('window_clerk', 'household', 'phone', 'masked', 0),
    ('window_clerk', 'house', 'number', 'full', 0), ('window_clerk', 'house', 'address', 'full', 0),
    ('window_clerk', 'tag', 'dibao', 'full', 0), ('window_clerk', 'tag', 'tekun', 'full', 0),
    ('window_clerk', 'tag', 'disabled', 'full', 0), ('window_clerk', 'tag', 'living_alone', 'full', 0),
    ('window_clerk', 'tag', 'very_old', 'full', 0), ('window_clerk', 'tag', 'veteran', 'full', 0),
    ('window_clerk', 'tag', 'preferential', 'full', 0), ('window_clerk', 'tag', 'unemployed', 'full', 0);

-- Building heads look after their buildings' residents (mostly read); the
-- property company collects basic facts in its compounds and sees no tags.
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('building_head', 'person', 'name', 'full', 0), ('building_head', 'person', 'gender', 'full', 0),
    ('building_head', 'person', 'birth_date', 'full', 0), ('building_head', 'person', 'relation', 'full', 0),
    ('building_head', 'person', 'residence', 'full', 0), ('building_head', 'person', 'address', 'full', 0),
    ('building_head', 'person', 'phone', 'masked', 1), ('building_head', 'person', 'moved_in_on', 'full', 1),
    ('building_head', 'household', 'number', 'full', 0), ('building_head', 'household', 'kind', 'full', 0),
    ('building_head', 'household', 'head_id', 'full', 0), ('building_head', 'household', 'address', 'full', 0),
    ('building_head', 'household', 'phone', 'masked', 0),
    ('building_head', 'house', 'number', 'full', 0), ('building_head', 'house', 'address', 'full', 0),
    ('building_head', 'house', 'use', 'full', 0),
    ('building_head', 'tag', 'living_alone', 'full', 0), ('building_head', 'tag', 'very_old', 'full', 0),
    ('property', 'person', 'name', 'full', 1), ('property', 'person', 'doc_type', 'full', 1),
    ('property', 'person', 'id_number', 'masked', 1), ('property', 'person', 'gender', 'full', 1),
    ('property', 'person', 'birth_date', 'full', 1), ('property', 'person', 'phone', 'masked', 1),
    ('property', 'person', 'address', 'full', 1), ('property', 'person', 'moved_in_on', 'full', 1),
    ('property', 'person', 'relation', 'full', 1), ('property', 'person', 'residence', 'full', 1),
    ('property', 'household', 'number', 'full', 0), ('property', 'household', 'address', 'full', 0),
    ('property', 'household', 'kind', 'full', 0), ('property', 'household', 'head_id', 'full', 0),
    ('property', 'house', '*', 'full', 1), ('property', 'house', 'owner_phone', 'masked', 1);

-- Departments see their business line across their jurisdiction: the
-- identity they match their own records with, and their own tags.
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('dept_police', 'person', '*', 'full', 0), ('dept_police', 'person', 'phone', 'masked', 0),
    ('dept_police', 'household', '*', 'full', 0), ('dept_police', 'household', 'phone', 'masked', 0),
    ('dept_police', 'house', '*', 'full', 0), ('dept_police', 'house', 'owner_phone', 'masked', 0),
    ('dept_police', 'rental', '*', 'full', 0), ('dept_police', 'rental', 'landlord_phone', 'masked', 0),
    ('dept_police', 'tag', 'drug', 'full', 0), ('dept_police', 'tag', 'released', 'full', 0),
    ('dept_police', 'tag', 'key_youth', 'full', 0),
    ('dept_civil', 'person', 'name', 'full', 0), ('dept_civil', 'person', 'doc_type', 'full', 0),
    ('dept_civil', 'person', 'id_number', 'full', 0), ('dept_civil', 'person', 'gender', 'full', 0),
    ('dept_civil', 'person', 'birth_date', 'full', 0), ('dept_civil', 'person', 'residence', 'full', 0),
    ('dept_civil', 'person', 'address', 'full', 0), ('dept_civil', 'person', 'hukou_address', 'full', 0),
    ('dept_civil', 'person', 'phone', 'masked', 0), ('dept_civil', 'person', 'relation', 'full', 0),
    ('dept_civil', 'household', '*', 'full', 0), ('dept_civil', 'household', 'phone', 'masked', 0),
    ('dept_civil', 'tag', 'dibao', 'full', 0), ('dept_civil', 'tag', 'tekun', 'full', 0),
    ('dept_civil', 'tag', 'living_alone', 'full', 0), ('dept_civil', 'tag', 'very_old', 'full', 0),
    ('dept_health', 'person', 'name', 'full', 0), ('dept_health', 'person', 'doc_type', 'full', 0),
    ('dept_health', 'person', 'id_number', 'full', 0), ('dept_health', 'person', 'gender', 'full', 0),
    ('dept_health', 'person', 'birth_date', 'full', 0), ('dept_health', 'person', 'ethnicity', 'full', 0),
    ('dept_health', 'person', 'residence', 'full', 0), ('dept_health', 'person', 'address', 'full', 0),
    ('dept_health', 'person', 'phone', 'masked', 0), ('dept_health', 'person', 'relation', 'full', 0),
    ('dept_health', 'household', 'number', 'full', 0), ('dept_health', 'household', 'kind', 'full', 0),
    ('dept_health', 'household', 'address', 'full', 0),
    ('dept_health', 'tag', 'childbearing', 'full', 0), ('dept_health', 'tag', 'pregnant', 'full', 0),
    ('dept_health', 'tag', 'mental', 'full', 0),
    ('dept_labour', 'person', 'name', 'full', 0), ('dept_labour', 'person', 'doc_type', 'full', 0),
    ('dept_labour', 'person', 'id_number', 'full', 0), ('dept_labour', 'person', 'gender', 'full', 0),
    ('dept_labour', 'person', 'birth_date', 'full', 0), ('dept_labour', 'person', 'residence', 'full', 0),
    ('dept_labour', 'person', 'address', 'full', 0), ('dept_labour', 'person', 'occupation', 'full', 0),
    ('dept_labour', 'person', 'employer_id', 'full', 0), ('dept_labour', 'person', 'phone', 'masked', 0),
    ('dept_labour', 'organisation', '*', 'full', 0), ('dept_labour', 'organisation', 'phone', 'masked', 0),
    ('dept_labour', 'tag', 'unemployed', 'full', 0),
    ('dept_disabled', 'person', 'name', 'full', 0), ('dept_disabled', 'person', 'doc_type', 'full', 0),
    ('dept_disabled', 'person', 'id_number', 'full', 0), ('dept_disabled', 'person', 'gender', 'full', 0),
    ('dept_disabled', 'person', 'birth_date', 'full', 0), ('dept_disabled', 'person', 'address', 'full', 0),
    ('dept_disabled', 'person', 'phone', 'masked', 0),
    ('dept_disabled', 'tag', 'disabled', 'full', 0),
    ('dept_justice', 'person', 'name', 'full', 0), ('dept_justice', 'person', 'doc_type', 'full', 0),
    ('dept_justice', 'person', 'id_number', 'full', 0), ('dept_justice', 'person', 'gender', 'full', 0),
    ('dept_justice', 'person', 'birth_date', 'full', 0), ('dept_justice', 'person', 'address', 'full', 0),
    ('dept_justice', 'person', 'hukou_address', 'full', 0), ('dept_justice', 'person', 'phone', 'masked', 0),
    ('dept_justice', 'tag', 'correction', 'full', 0), ('dept_justice', 'tag', 'released', 'full', 0),
    ('dept_veterans', 'person', 'name', 'full', 0), ('dept_veterans', 'person', 'doc_type', 'full', 0),
    ('dept_veterans', 'person', 'id_number', 'full', 0), ('dept_veterans', 'person', 'gender', 'full', 0),
    ('dept_veterans', 'person', 'birth_date', 'full', 0), ('dept_veterans', 'person', 'address', 'full', 0),
    ('dept_veterans', 'person', 'phone', 'masked', 0),
    ('dept_veterans', 'tag', 'veteran', 'full', 0), ('dept_veterans', 'tag', 'preferential', 'full', 0),
    ('dept_zongzhi', 'person', '*', 'full', 0), ('dept_zongzhi', 'person', 'id_number', 'full', 0),
    ('dept_zongzhi', 'person', 'phone', 'masked', 0),
    ('dept_zongzhi', 'household', '*', 'full', 0), ('dept_zongzhi', 'household', 'phone', 'masked', 0),
    ('dept_zongzhi', 'house', '*', 'full', 0), ('dept_zongzhi', 'house', 'owner_phone', 'masked', 0),
    ('dept_zongzhi', 'rental', '*', 'full', 0), ('dept_zongzhi', 'rental', 'landlord_phone', 'masked', 0),
    ('dept_zongzhi', 'tag', 'key_youth', 'full', 0), ('dept_zongzhi', 'tag', 'correction', 'full', 0),
    ('dept_zongzhi', 'tag', 'mental', 'full', 0), ('dept_zongzhi', 'tag', 'drug', 'full', 0),
    ('dept_zongzhi', 'tag', 'released', 'full', 0);

-- Accounts made before grants existed keep their role and unit as a grant.
INSERT INTO grants (id, user_id, role, note, created_at, created_by)
    SELECT id, id, role, '', created_at, 'migration' FROM users WHERE role IN (SELECT code FROM roles);
INSERT INTO grant_units (grant_id, unit_id)
    SELECT id, org_id FROM users WHERE org_id IS NOT NULL AND role IN (SELECT code FROM roles);
