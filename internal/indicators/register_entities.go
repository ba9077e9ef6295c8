package indicators

import (
	"context"
	"sort"

	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/register"
)

// The register's entities and their fields, as indicators see them. Codes
// are the register's own; names are what administrators type.

func enumValues(names map[string]string, order ...string) []Value {
	var out []Value
	for _, c := range order {
		out = append(out, Value{Code: c, Name: names[c]})
	}
	return out
}

func codeValues(list []codes.Code) []Value {
	out := make([]Value, len(list))
	for i, c := range list {
		out[i] = Value{Code: c.Code, Name: c.Name}
	}
	return out
}

// tagKind is an entry of the register's tag catalogue.
type tagKind struct {
	code, name string
	sensitive  bool
}

func loadTagKinds(ctx context.Context, db *database.DB) ([]tagKind, error) {
	rows, err := db.QueryContext(ctx, `SELECT code, name, sensitive FROM tag_kinds ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tagKind
	for rows.Next() {
		var t tagKind
		var s int
		if err := rows.Scan(&t.code, &t.name, &s); err != nil {
			return nil, err
		}
		t.sensitive = s != 0
		out = append(out, t)
	}
	if len(out) > 64 {
		out = out[:64] // a Set holds 64 values; the catalogue is far smaller
	}
	return out, rows.Err()
}

func registerEntities(tags []tagKind) (person, household, house, building, organisation, rental *Entity) {
	var tagValues []Value
	for _, t := range tags {
		tagValues = append(tagValues, Value{Code: t.code, Name: t.name})
	}
	status := []Value{{"active", "在册"}, {"moved_out", "迁出"}, {"deceased", "死亡"}}
	person = &Entity{Name: "person", Label: "人口", Unit: "人", Active: &ActiveRule{"status", "active"},
		Note: "实有人口:每条人员记录;未写「状态」条件时只计在册人员",
		Fields: []*Field{
			{Name: "gender", Label: "性别", Kind: Enum, Values: enumValues(register.GenderNames, "M", "F")},
			{Name: "age", Label: "年龄", Kind: Number, Unit: "岁", Note: "周岁,按期末(期内减少按期初)计算"},
			{Name: "born_in_period", Label: "期内出生", Kind: Bool, Note: "出生日期在报告期内(期初第一天至期末最后一天)"},
			{Name: "residence", Label: "人口类别", Kind: Enum, Values: enumValues(register.ResidenceNames, "registered", "resident", "floating", "overseas")},
			{Name: "status", Label: "状态", Kind: Enum, Values: status},
			{Name: "ethnicity", Label: "民族", Kind: Enum, Values: codeValues(codes.Ethnicities())},
			{Name: "relation", Label: "与户主关系", Kind: Enum, Values: codeValues(codes.Relations())},
			{Name: "tags", Label: "标签", Kind: Set, Values: tagValues, Note: "当时有效的特殊人群/服务对象标签"},
			{Name: "household_kind", Label: "户类别", Kind: Enum, Values: enumValues(register.HouseholdKindNames, "registered", "floating", "collective")},
			{Name: "household_size", Label: "户人数", Kind: Number, Unit: "人", Note: "所在户的在册人数"},
			{Name: "employed", Label: "有工作单位", Kind: Bool},
			{Name: "tenant", Label: "租住", Kind: Bool, Note: "所住房屋有有效的出租登记(以房管人)"},
			{Name: "household_id", Label: "所属户", Kind: Ref, RefEntity: "household"},
			{Name: "employer_id", Label: "工作单位", Kind: Ref, RefEntity: "organisation"},
		}}
	household = &Entity{Name: "household", Label: "户", Unit: "户", Active: &ActiveRule{"status", "active"},
		Note: "住户;未写「状态」条件时只计在册户",
		Fields: []*Field{
			{Name: "kind", Label: "户类别", Kind: Enum, Values: enumValues(register.HouseholdKindNames, "registered", "floating", "collective")},
			{Name: "status", Label: "状态", Kind: Enum, Values: []Value{{"active", "在册"}, {"dissolved", "已注销"}}},
			{Name: "size", Label: "户人数", Kind: Number, Unit: "人", Note: "户内在册人数"},
			{Name: "min_age", Label: "成员最小年龄", Kind: Number, Unit: "岁"},
			{Name: "max_age", Label: "成员最大年龄", Kind: Number, Unit: "岁"},
			{Name: "member_tags", Label: "成员标签", Kind: Set, Values: tagValues, Note: "户内任一在册成员当时有效的标签"},
			{Name: "rented", Label: "租住", Kind: Bool, Note: "所在房屋有有效出租登记"},
			{Name: "house_id", Label: "所在房屋", Kind: Ref, RefEntity: "house"},
		}}
	buildingKinds := enumValues(register.BuildingKindNames, "residential", "bungalow", "commercial", "mixed", "public")
	house = &Entity{Name: "house", Label: "房屋", Unit: "套", Note: "实有房屋",
		Fields: []*Field{
			{Name: "use", Label: "用途", Kind: Enum, Values: enumValues(register.HouseUseNames, "owner", "rented", "vacant")},
			{Name: "area", Label: "面积", Kind: Number, Unit: "平方米"},
			{Name: "building_kind", Label: "楼栋类型", Kind: Enum, Values: buildingKinds},
			{Name: "occupied", Label: "有住户", Kind: Bool, Note: "有在册户住在该房屋"},
			{Name: "households", Label: "住户数", Kind: Number, Unit: "户"},
			{Name: "residents", Label: "居住人数", Kind: Number, Unit: "人"},
			{Name: "floating_residents", Label: "居住流动人口", Kind: Number, Unit: "人"},
			{Name: "in_rental", Label: "在租", Kind: Bool, Note: "有有效的出租登记"},
			{Name: "building_id", Label: "所属楼栋", Kind: Ref, RefEntity: "building"},
		}}
	building = &Entity{Name: "building", Label: "楼栋", Unit: "栋",
		Fields: []*Field{
			{Name: "kind", Label: "类型", Kind: Enum, Values: buildingKinds},
			{Name: "floors", Label: "层数", Kind: Number, Unit: "层"},
			{Name: "built_year", Label: "建成年份", Kind: Number, Unit: "年"},
			{Name: "houses", Label: "房屋数", Kind: Number, Unit: "套"},
		}}
	orgKinds := make([]string, 0, len(register.OrganisationKindNames))
	for k := range register.OrganisationKindNames {
		orgKinds = append(orgKinds, k)
	}
	sort.Strings(orgKinds)
	organisation = &Entity{Name: "organisation", Label: "单位", Unit: "个", Active: &ActiveRule{"status", "active"},
		Note: "驻区单位、企业、社会组织等;未写「状态」条件时只计正常经营的",
		Fields: []*Field{
			{Name: "kind", Label: "类型", Kind: Enum, Values: enumValues(register.OrganisationKindNames,
				"unit", "enterprise", "shop", "social", "property", "school", "medical")},
			{Name: "status", Label: "状态", Kind: Enum, Values: []Value{{"active", "正常"}, {"closed", "注销"}}},
			{Name: "staff", Label: "从业人数", Kind: Number, Unit: "人"},
			{Name: "has_uscc", Label: "有统一社会信用代码", Kind: Bool},
		}}
	rental = &Entity{Name: "rental", Label: "出租登记", Unit: "宗", Note: "当时有效(已起租、未到期)的出租登记",
		Fields: []*Field{
			{Name: "rent", Label: "月租金", Kind: Number, Unit: "元"},
			{Name: "tenants", Label: "承租人数", Kind: Number, Unit: "人"},
			{Name: "house_id", Label: "房屋", Kind: Ref, RefEntity: "house"},
		}}
	return
}
