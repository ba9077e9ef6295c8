package register

import (
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/codes"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// dateMarks turns the separators of the date forms ParseDate reads into "-".
var dateMarks = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")

// ParseDate reads a date as typed in forms and spreadsheets: 2006-01-02,
// 2006/1/2, 2006.01.02 or 2006年1月2日, and returns it as YYYY-MM-DD.
func ParseDate(s string) (string, bool) {
	if isoDate(s) {
		// Already as stored: what the layouts below would give back.
		return s, true
	}
	s = strings.TrimSpace(normalise(s))
	if s == "" {
		return "", false
	}
	s = dateMarks.Replace(s)
	for _, layout := range []string{"2006-01-02", "2006-1-2", "20060102"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1890 && t.Year() <= 2200 {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// isoDate reports whether s is a valid date written YYYY-MM-DD, in the years
// ParseDate takes.
func isoDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	n := 0
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	y, m, d := n/10000, time.Month(n/100%100), n%100
	if y < 1890 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return false
	}
	// The day after the month's last is the first of the next month.
	return d <= time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func checkDate(fe fault.Fields, field, value string, required bool) string {
	if strings.TrimSpace(value) == "" {
		if required {
			fe.Add(field, FieldLabel("", field)+"不能为空")
		}
		return ""
	}
	d, ok := ParseDate(value)
	if !ok {
		fe.Add(field, FieldLabel("", field)+"不是有效日期,应为 年-月-日,如 2024-03-01")
	}
	return d
}

func checkText(fe fault.Fields, entity, field, value string, required bool, max int) string {
	v := strings.TrimSpace(value)
	if v == "" && required {
		fe.Add(field, FieldLabel(entity, field)+"不能为空")
	}
	// No more bytes than max, no more runes either.
	if len(v) > max && utf8.RuneCountInString(v) > max {
		fe.Add(field, FieldLabel(entity, field)+"过长")
	}
	if !utf8.ValidString(v) || strings.ContainsAny(v, "\x00") {
		fe.Add(field, FieldLabel(entity, field)+"包含无效字符")
	}
	return v
}

func checkPhone(fe fault.Fields, field, value string) string {
	if strings.TrimSpace(value) == "" {
		return ""
	}
	p, err := ident.ParsePhone(value)
	if err != nil {
		fe.Add(field, err.Error())
		return value
	}
	return p
}

// validatePerson normalises p in place and reports every problem at its field.
// today bounds birth dates.
func validatePerson(p *Person, today time.Time) error {
	fe := fault.Fields{}
	p.Name = checkText(fe, "person", "name", p.Name, true, 50)
	if p.DocType == "" {
		p.DocType = string(ident.DocResidentID)
	}
	dt, err := ident.ParseDocType(p.DocType)
	if err != nil {
		fe.Add("doc_type", err.Error())
	} else {
		// Stored as its code, however the type was written (护照, 台胞证).
		p.DocType = string(dt)
	}
	switch {
	case err != nil:
	case strings.TrimSpace(p.IDNumber) == "" && dt != ident.DocNone:
		fe.Add("id_number", "证件号码不能为空;尚无证件的请在证件类型中选择“无证件”")
	case dt == ident.DocResidentID:
		id, err := ident.ParseResidentID(p.IDNumber, today)
		if err != nil {
			fe.Add("id_number", err.Error())
		} else {
			// The ID number is authoritative for birth date and sex.
			p.IDNumber = id.Number
			p.BirthDate, p.BirthPrecision = id.Birth.Format("2006-01-02"), BirthByDay
			p.Gender = "F"
			if id.Male {
				p.Gender = "M"
			}
		}
	default:
		// A person without a document keeps an empty number: the register
		// finds them by name, birth date and address until one is known.
		n, err := ident.ParseDocument(dt, p.IDNumber, today)
		if err != nil {
			fe.Add("id_number", err.Error())
		} else {
			p.IDNumber = n
		}
	}
	if dt != ident.DocResidentID {
		checkBirth(fe, p, dt, today)
		if p.Gender != "M" && p.Gender != "F" {
			fe.Add("gender", "请选择性别")
		}
	}
	if p.Ethnicity != "" {
		if _, ok := codes.EthnicityName(p.Ethnicity); !ok {
			if c, ok := codes.EthnicityByName(p.Ethnicity); ok {
				p.Ethnicity = c
			} else {
				fe.Add("ethnicity", "民族代码无效(GB/T 3304)")
			}
		}
	}
	if p.Relation != "" {
		if _, ok := codes.RelationName(p.Relation); !ok {
			if c, ok := codes.RelationByName(p.Relation); ok {
				p.Relation = c
			} else {
				fe.Add("relation", "与户主关系代码无效(GB/T 4761)")
			}
		}
	}
	if p.Residence == "" {
		fe.Add("residence", "请选择人口类别")
	} else if _, ok := ResidenceNames[p.Residence]; !ok {
		fe.Add("residence", "人口类别应为 户籍、常住、流动 或 境外")
	}
	if p.Status == "" {
		p.Status = "active"
	} else if _, ok := PersonStatusNames[p.Status]; !ok {
		fe.Add("status", "状态无效")
	}
	if p.Status == "active" {
		// Back on the register (a mistaken 迁出 undone): nothing of the
		// leaving stays.
		p.LeftOn, p.LeftTo = "", ""
	}
	p.LeftOn = checkDate(fe, "left_on", p.LeftOn, false)
	p.LeftTo = checkText(fe, "person", "left_to", p.LeftTo, false, 100)
	p.Phone = checkPhone(fe, "phone", p.Phone)
	p.HukouAddress = checkText(fe, "person", "hukou_address", p.HukouAddress, false, 200)
	p.Address = checkText(fe, "person", "address", p.Address, false, 200)
	p.Occupation = checkText(fe, "person", "occupation", p.Occupation, false, 50)
	p.MovedInOn = checkDate(fe, "moved_in_on", p.MovedInOn, false)
	if p.HouseholdID == 0 && p.OrgID == 0 {
		fe.Add("household_id", "请选择所属户或所属单元")
	}
	return fe.Err()
}

func validateHousehold(h *Household) error {
	fe := fault.Fields{}
	h.Number = checkText(fe, "household", "number", h.Number, true, 40)
	if _, ok := HouseholdKindNames[h.Kind]; !ok {
		fe.Add("kind", "户类别应为 户籍户、流动户 或 集体户")
	}
	if h.Status == "" {
		h.Status = "active"
	} else if h.Status != "active" && h.Status != "dissolved" {
		fe.Add("status", "状态无效")
	}
	h.Address = checkText(fe, "household", "address", h.Address, false, 200)
	h.Phone = checkPhone(fe, "phone", h.Phone)
	if h.HouseID == 0 && h.OrgID == 0 {
		fe.Add("house_id", "请选择房屋或所属单元")
	}
	return fe.Err()
}

func validateOrganisation(o *Organisation) error {
	fe := fault.Fields{}
	o.Name = checkText(fe, "organisation", "name", o.Name, true, 100)
	if _, ok := OrganisationKindNames[o.Kind]; !ok {
		fe.Add("kind", "单位类别无效")
	}
	if strings.TrimSpace(o.USCC) != "" {
		c, err := ident.ParseUSCC(o.USCC)
		if err != nil {
			fe.Add("uscc", err.Error())
		} else {
			o.USCC = c
		}
	}
	o.LegalRep = checkText(fe, "organisation", "legal_rep", o.LegalRep, false, 50)
	o.Phone = checkPhone(fe, "phone", o.Phone)
	o.Address = checkText(fe, "organisation", "address", o.Address, false, 200)
	if o.StaffCount < 0 {
		fe.Add("staff_count", "从业人数不能为负")
	}
	if o.Status == "" {
		o.Status = "active"
	}
	if o.OrgID == 0 {
		fe.Add("org_id", "请选择所属单元")
	}
	return fe.Err()
}

func validateHouse(h *House) error {
	fe := fault.Fields{}
	h.Number = checkText(fe, "house", "number", h.Number, true, 40)
	if _, ok := HouseUseNames[h.Use]; !ok {
		fe.Add("use", "房屋用途应为 自住、出租 或 空置")
	}
	if h.AreaM2 < 0 || h.AreaM2 > 100000 {
		fe.Add("area_m2", "面积无效")
	}
	h.OwnerName = checkText(fe, "house", "owner_name", h.OwnerName, false, 50)
	h.OwnerPhone = checkPhone(fe, "owner_phone", h.OwnerPhone)
	if h.BuildingID == 0 {
		fe.Add("building_id", "请选择楼栋")
	}
	return fe.Err()
}
