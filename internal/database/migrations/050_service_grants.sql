-- A service item may grant a register tag (服务对象标签): approving an
-- application of the item gives the applicant the tag from the day the case
-- is finished, with the application as its source; ending the benefit or
-- revoking the approval ends the tag. Which item grants which tag is
-- catalogue data, edited on the item's form.
ALTER TABLE service_items ADD COLUMN grants_tag TEXT NOT NULL DEFAULT '';

-- An application copies the tag at intake, as it copies the chain, so that a
-- catalogue edit does not change a case in progress; tag_id is the tag its
-- approval added (NULL when it added none: the item grants none, or the
-- applicant already held it), tag_ended_on the day that tag was ended.
ALTER TABLE service_applications ADD COLUMN grants_tag TEXT NOT NULL DEFAULT '';
ALTER TABLE service_applications ADD COLUMN tag_id BIGINT;
ALTER TABLE service_applications ADD COLUMN tag_ended_on TEXT NOT NULL DEFAULT '';

-- 高龄补贴 is a benefit granted and ended by 民政, not the age (高龄) itself.
INSERT INTO tag_kinds (code, name, category, sensitive, sort) VALUES
    ('old_age_allowance', '高龄补贴', 'service', 0, 55);
INSERT INTO role_fields (role, entity, field, view, edit) VALUES
    ('window_clerk', 'tag', 'old_age_allowance', 'full', 0),
    ('dept_civil', 'tag', 'old_age_allowance', 'full', 0);

-- 特困人员救助供养 was missing from the sample catalogue (031).
INSERT INTO service_items (code, name, category, department, conditions, materials, chain, time_limit, fee, forms, basis, certificate, sort) VALUES
    ('tekun', '特困人员救助供养', '社会救助', 'civil', '无劳动能力、无生活来源,且无法定赡养、抚养、扶养义务人或其义务人无履行能力的老年人、残疾人和未满16周岁的未成年人;户籍在本辖区。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "form", "name": "特困人员救助供养申请书", "note": "窗口领取或现场填写"}, {"code": "disabled_card", "name": "残疾人证", "register": "tag:disabled", "optional": true}]',
     '[{"level": "community", "name": "社区受理", "days": 5}, {"level": "street", "name": "街道审核(入户调查、公示)", "days": 15}, {"level": "district", "name": "区民政局确认", "days": 20}]',
     40, '免费', '《特困人员救助供养申请审批表》', '《特困人员认定办法》', '', 15);

-- The sample items that grant a status. The column is new, so this sets
-- nothing an administrator chose; items of other codes grant nothing.
UPDATE service_items SET grants_tag = 'dibao' WHERE code = 'dibao';
UPDATE service_items SET grants_tag = 'tekun' WHERE code = 'tekun';
UPDATE service_items SET grants_tag = 'disabled' WHERE code = 'canji';
UPDATE service_items SET grants_tag = 'old_age_allowance' WHERE code = 'gaoling';
UPDATE service_items SET grants_tag = 'preferential' WHERE code = 'youfu';
UPDATE service_items SET grants_tag = 'unemployed' WHERE code = 'jiuye';

-- Cases still in progress grant what their item now grants when approved.
UPDATE service_applications SET grants_tag = COALESCE((SELECT i.grants_tag FROM service_items i
    WHERE i.code = service_applications.item_code), '')
    WHERE status NOT IN ('approved', 'rejected');
