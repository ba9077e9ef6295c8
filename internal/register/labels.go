package register

// fieldLabels names the fields of each entity in Chinese, for history pages,
// conflict messages and form errors.
var fieldLabels = map[string]string{
	"name":             "姓名",
	"doc_type":         "证件类型",
	"id_number":        "证件号码",
	"gender":           "性别",
	"birth_date":       "出生日期",
	"ethnicity":        "民族",
	"relation":         "与户主关系",
	"residence":        "人口类别",
	"phone":            "联系电话",
	"hukou_address":    "户籍地址",
	"address":          "现住址",
	"employer_id":      "工作单位",
	"occupation":       "职业",
	"moved_in_on":      "迁入日期",
	"status":           "状态",
	"household_id":     "所属户",
	"community_id":     "所属社区",
	"org_id":           "所属单元",
	"grid_id":          "所属网格",
	"number":           "编号",
	"kind":             "类别",
	"house_id":         "房屋",
	"head_id":          "户主",
	"building_id":      "楼栋",
	"area_m2":          "面积",
	"use":              "房屋用途",
	"owner_name":       "产权人",
	"owner_phone":      "产权人电话",
	"uscc":             "统一社会信用代码",
	"legal_rep":        "法定代表人",
	"staff_count":      "从业人数",
	"tag":              "标签",
	"started_on":       "开始日期",
	"ended_on":         "结束日期",
	"note":             "备注",
	"landlord":         "出租人",
	"landlord_phone":   "出租人电话",
	"monthly_rent":     "月租金(元)",
	"monthly_rent_fen": "月租金(分)",
	"tenant_ids":       "承租人",
	"floors":           "层数",
	"built_year":       "建成年份",
	"person_id":        "人员",
	"left_on":          "离开日期",
	"left_to":          "迁往地",
	"evidence":         "依据",

	"birth_precision": "出生日期精度",
}

// entityLabels names the register's entities in Chinese.
var entityLabels = map[string]string{
	"person":       "人员",
	"household":    "户",
	"house":        "房屋",
	"building":     "楼栋",
	"organisation": "单位",
	"tag":          "标签",
	"rental":       "出租",
}

// FieldLabel returns the Chinese label of a field, or the field name itself.
func FieldLabel(entity, field string) string {
	if entity == "person" && field == "name" {
		return "姓名"
	}
	if field == "name" {
		return "名称"
	}
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	return field
}

// EntityLabel returns the Chinese name of an entity kind.
func EntityLabel(entity string) string {
	if l, ok := entityLabels[entity]; ok {
		return l
	}
	return entity
}

// bookkeeping are fields a person never needs to read in a record's
// history: its own key and the counters the register keeps for itself.
var bookkeeping = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true}

// ShownInHistory reports whether a field's change is shown in a record's
// history: a field people know by a Chinese name, not bookkeeping. A field
// added without a label stays out of sight rather than show its code.
func ShownInHistory(entity, field string) bool {
	if bookkeeping[field] {
		return false
	}
	_, ok := fieldLabels[field]
	return ok || field == "name"
}
