-- The sample catalogue (服务事项目录): the 16 items the documents name or imply,
-- with conditions, materials, handling chain and time limits as they are
-- commonly published. It is data: edit it through the catalogue pages or
-- SQL; later migrations do not rewrite it. register in a material names
-- what the register holds instead of a photocopy (person: the identity
-- record; household: the household record; tag:X a service tag;
-- certificate:X a certificate the community issues).
INSERT INTO service_items (code, name, category, department, conditions, materials, chain, time_limit, fee, forms, basis, certificate, sort) VALUES
    ('dibao', '城乡居民最低生活保障(低保)', '社会救助', 'civil', '共同生活的家庭成员人均月收入低于当地低保标准,且家庭财产符合规定;户籍在本辖区。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "form", "name": "低保申请书及家庭经济状况核对授权书", "note": "窗口领取或现场填写"}, {"code": "income", "name": "家庭成员收入证明", "note": "单位出具或个人承诺"}, {"code": "marriage", "name": "婚姻状况证明", "note": "结婚证或离婚证"}, {"code": "disabled_card", "name": "残疾人证", "register": "tag:disabled", "optional": true}]',
     '[{"level": "community", "name": "社区受理", "days": 5}, {"level": "street", "name": "街道审核(入户调查、民主评议、公示)", "days": 10}, {"level": "district", "name": "区民政局审批", "days": 15}]',
     30, '免费', '《城乡居民最低生活保障申请审批表》', '《社会救助暂行办法》第十一条', '', 10),
    ('dabing', '大病救助', '社会救助', 'civil', '低保、特困等困难家庭成员,或因病致贫家庭,年度自付医疗费用超过规定额度。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "invoices", "name": "医疗费用票据原件及费用清单"}, {"code": "diagnosis", "name": "诊断证明或出院小结"}, {"code": "form", "name": "大病救助申请表", "note": "窗口领取或现场填写"}, {"code": "dibao_card", "name": "低保证或特困供养证", "register": "tag:dibao", "optional": true}]',
     '[{"level": "community", "name": "社区受理", "days": 3}, {"level": "street", "name": "街道审核", "days": 5}, {"level": "district", "name": "区医疗保障局审批", "days": 12}]',
     20, '免费', '《大病救助申请审批表》', '《社会救助暂行办法》第二十八条', '', 20),
    ('yibao', '城乡居民医疗保险参保登记', '社会保险', 'labour', '本辖区户籍或持居住证、未参加职工医保的居民。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}]',
     '[{"level": "community", "name": "社区受理", "days": 2}, {"level": "street", "name": "街道社保所办理", "days": 3}]',
     5, '按年度个人缴费标准缴纳', '《城乡居民基本医疗保险参保登记表》', '《社会保险法》第二十五条', '', 30),
    ('linshi', '临时救助', '社会救助', 'civil', '因火灾、交通事故、突发重大疾病等导致基本生活暂时出现严重困难的家庭或个人。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "hardship", "name": "困难情况说明"}, {"code": "evidence", "name": "事故或疾病相关证明材料"}, {"code": "form", "name": "临时救助申请书", "note": "窗口领取或现场填写"}]',
     '[{"level": "community", "name": "社区受理", "days": 2}, {"level": "street", "name": "街道审批", "days": 5}]',
     7, '免费', '《临时救助申请审批表》', '《社会救助暂行办法》第四十八条', '', 40),
    ('canji', '残疾人证办理', '残疾人服务', 'disabled', '本辖区户籍,经指定医院评定符合残疾标准的居民。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "photo2", "name": "近期二寸免冠照片3张"}, {"code": "assessment", "name": "残疾评定表", "note": "指定医院出具"}]',
     '[{"level": "community", "name": "社区受理", "days": 2}, {"level": "street", "name": "街道审核", "days": 3}, {"level": "district", "name": "区残联审批发证", "days": 15}]',
     20, '免费', '《残疾人证申请表》', '《残疾人保障法》', '', 50),
    ('gaoling', '高龄补贴', '养老服务', 'civil', '本辖区户籍,年满80周岁的老年人。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "bank", "name": "本人银行卡(存折)复印件"}, {"code": "form", "name": "高龄补贴申请表", "note": "窗口领取或现场填写"}]',
     '[{"level": "community", "name": "社区受理", "days": 3}, {"level": "street", "name": "街道审核", "days": 5}, {"level": "district", "name": "区民政局审批", "days": 7}]',
     15, '免费', '《高龄补贴申请审批表》', '省老年人权益保障条例', '', 60),
    ('juzhu', '居住证明', '社区证明', NULL, '在本社区实际居住的居民(户籍、常住或流动人口)。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "lease", "name": "房屋租赁合同", "note": "租住的提供", "optional": true}]',
     '[{"level": "community", "name": "社区核实出具", "days": 1}]',
     1, '免费', '', '社区证明事项清单', 'residence', 70),
    ('jiuye', '就业失业登记', '就业服务', 'labour', '法定劳动年龄内、有劳动能力和就业要求、处于无业状态的本辖区居民。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "termination", "name": "解除或终止劳动合同证明", "optional": true}, {"code": "photo1", "name": "近期一寸免冠照片2张"}]',
     '[{"level": "community", "name": "社区受理", "days": 2}, {"level": "street", "name": "街道劳动保障所办理", "days": 3}]',
     5, '免费', '《就业失业登记表》', '《就业服务与就业管理规定》', '', 80),
    ('shengyu', '生育登记', '卫生健康', 'health', '本辖区户籍或常住的夫妻,生育子女前后均可登记。',
     '[{"code": "couple_id", "name": "夫妻双方居民身份证", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "marriage_cert", "name": "结婚证"}]',
     '[{"level": "community", "name": "社区受理", "days": 1}, {"level": "street", "name": "街道卫生健康办登记", "days": 2}]',
     3, '免费', '《生育服务登记表》', '《人口与计划生育法》', '', 90),
    ('yanglao', '城乡居民养老保险', '社会保险', 'labour', '年满16周岁(不含在校学生)、未参加职工养老保险的本辖区户籍居民;待遇领取须年满60周岁。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "bank", "name": "本人银行卡(存折)复印件"}, {"code": "photo1", "name": "近期一寸免冠照片2张"}]',
     '[{"level": "community", "name": "社区受理", "days": 3}, {"level": "street", "name": "街道社保所审核", "days": 5}, {"level": "district", "name": "区社保中心审批", "days": 12}]',
     20, '按所选档次缴费', '《城乡居民基本养老保险参保登记表》', '《社会保险法》第二十条', '', 100),
    ('gongzu', '公共租赁住房申请', '住房保障', 'housing', '本辖区户籍或持居住证满一年,家庭收入和住房面积符合标准。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "income", "name": "家庭成员收入证明"}, {"code": "housing", "name": "住房情况证明"}, {"code": "marriage", "name": "婚姻状况证明"}, {"code": "form", "name": "公共租赁住房申请表", "note": "窗口领取或现场填写"}]',
     '[{"level": "community", "name": "社区受理", "days": 5}, {"level": "street", "name": "街道审核(公示)", "days": 10}, {"level": "district", "name": "区住建局审批", "days": 15}]',
     30, '免费', '《公共租赁住房申请表》', '《公共租赁住房管理办法》第十条', '', 110),
    ('youdai', '老年人优待证', '养老服务', 'civil', '年满60周岁的本辖区户籍或常住老年人。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "photo1", "name": "近期一寸免冠照片2张"}]',
     '[{"level": "community", "name": "社区受理", "days": 2}, {"level": "street", "name": "街道审核制证", "days": 3}]',
     5, '免费', '《老年人优待证申请表》', '《老年人权益保障法》', '', 120),
    ('youfu', '优抚对象抚恤补助', '优抚安置', 'veterans', '退役军人、烈士遗属、伤残军人等优抚对象。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "veteran_card", "name": "退役证或优抚证件", "register": "tag:preferential"}, {"code": "form", "name": "优抚对象抚恤补助申请表", "note": "窗口领取或现场填写"}]',
     '[{"level": "community", "name": "社区受理", "days": 3}, {"level": "street", "name": "街道审核", "days": 5}, {"level": "district", "name": "区退役军人事务局审批", "days": 12}]',
     20, '免费', '《优抚对象抚恤补助审批表》', '《军人抚恤优待条例》', '', 130),
    ('sangzang', '丧葬补贴', '社会救助', 'civil', '本辖区户籍居民死亡后,其直系亲属申领。',
     '[{"code": "death", "name": "死亡医学证明或死亡注销证明"}, {"code": "cremation", "name": "火化证明"}, {"code": "claimant_id", "name": "申领人居民身份证", "register": "person"}, {"code": "kinship", "name": "亲属关系证明", "register": "certificate:kinship"}]',
     '[{"level": "community", "name": "社区受理", "days": 2}, {"level": "street", "name": "街道审核", "days": 5}, {"level": "district", "name": "区民政局审批", "days": 8}]',
     15, '免费', '《丧葬补贴申领表》', '省丧葬补贴办法', '', 140),
    ('falv', '法律援助', '法律服务', 'justice', '经济困难且因追索赡养费、抚养费、劳动报酬、工伤赔偿等需要法律帮助的公民。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hardship", "name": "经济困难状况说明表"}, {"code": "case", "name": "与案件有关的材料"}, {"code": "form", "name": "法律援助申请表", "note": "窗口领取或现场填写"}]',
     '[{"level": "community", "name": "社区受理", "days": 2}, {"level": "street", "name": "街道司法所初审", "days": 3}, {"level": "district", "name": "区法律援助中心审批", "days": 7}]',
     12, '免费', '《法律援助申请表》', '《法律援助法》第四十三条', '', 150),
    ('jisheng', '计划生育情况证明', '社区证明', 'health', '在本社区居住的居民。',
     '[{"code": "id_card", "name": "申请人居民身份证", "note": "原件核验", "register": "person"}, {"code": "hukou", "name": "户口簿", "note": "首页及本人页", "register": "household"}, {"code": "marriage_cert", "name": "结婚证或婚姻状况证明", "optional": true}]',
     '[{"level": "community", "name": "社区核实", "days": 1}, {"level": "street", "name": "街道卫生健康办盖章", "days": 2}]',
     3, '免费', '', '社区证明事项清单', 'family_planning', 160);

INSERT INTO certificate_templates (code, name, prefix, body, needs_relative, sort) VALUES
    ('residence', '居住证明', '居证',
     '兹证明{{.Name}}(性别:{{.Gender}},公民身份号码:{{.IDNumber}})自{{.Since}}起居住在{{.Address}},系本社区{{.Residence}}人口。
本证明用于{{.Purpose}},自出具之日起三个月内有效。
特此证明。',
     0, 10),
    ('kinship', '亲属关系证明', '亲证',
     '兹证明{{.Name}}(公民身份号码:{{.IDNumber}})与{{.Relative.Name}}(公民身份号码:{{.Relative.IDNumber}})系亲属关系:{{.Relation}}。户号 {{.HouseholdNumber}},住址{{.Address}}。
本证明用于{{.Purpose}}。
特此证明。',
     1, 20),
    ('family_planning', '计划生育情况证明', '计证',
     '兹证明{{.Name}}(性别:{{.Gender}},公民身份号码:{{.IDNumber}})现居住在{{.Address}}。经核实,其在本社区居住期间未发现违反计划生育政策的情况。
本证明用于{{.Purpose}}。
特此证明。',
     0, 30);
