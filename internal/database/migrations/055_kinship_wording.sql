-- The 亲属关系证明 states the relation it certifies (系夫妻关系, 系父女关系 …),
-- derived from the two members' relations to the household head; the
-- detail of those relations follows in brackets. A body an administrator
-- has since rewritten is left as it is.
UPDATE certificate_templates SET body = '兹证明{{.Name}}(公民身份号码:{{.IDNumber}})与{{.Relative.Name}}(公民身份号码:{{.Relative.IDNumber}})系{{.Kinship}}关系({{.Relation}})。户号 {{.HouseholdNumber}},住址{{.Address}}。
本证明用于{{.Purpose}}。
特此证明。', version = version + 1
WHERE code = 'kinship' AND body = '兹证明{{.Name}}(公民身份号码:{{.IDNumber}})与{{.Relative.Name}}(公民身份号码:{{.Relative.IDNumber}})系亲属关系:{{.Relation}}。户号 {{.HouseholdNumber}},住址{{.Address}}。
本证明用于{{.Purpose}}。
特此证明。';
