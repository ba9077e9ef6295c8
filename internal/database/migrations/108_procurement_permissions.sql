-- Who runs 政府购买服务: the community's staff create projects, publish
-- tenders, record bids and the panel's scores, award, contract, accept
-- milestones and pay (procurement.manage); the street and the district
-- read them (procurement.read). Tenders, awards and the OCDS data are
-- public without a role.
INSERT INTO permissions (code, name, sort) VALUES
    ('procurement.manage', '政府购买服务:立项、招标、评审、授标、合同、验收和付款', 960),
    ('procurement.read', '查看政府购买服务项目', 970);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'procurement.read'),
    ('community_head', 'procurement.manage'), ('community_head', 'procurement.read'),
    ('community_staff', 'procurement.manage'), ('community_staff', 'procurement.read'),
    ('street_operator', 'procurement.read'), ('district_operator', 'procurement.read');
