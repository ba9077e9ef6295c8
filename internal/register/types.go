// Package register is the base register (基础信息库) of buildings, houses,
// households, persons, organisations and special-group tags. Every write goes
// through this package so that it is validated the same way and recorded as
// an append-only change event.
package register

// Residence types of a person (人口类别).
const (
	ResidenceRegistered = "registered" // 户籍人口
	ResidenceResident   = "resident"   // 常住人口(户籍在外,居住半年以上)
	ResidenceFloating   = "floating"   // 流动人口
	ResidenceOverseas   = "overseas"   // 境外人员
)

// Residences are the residence types in the order forms list them.
var Residences = []string{ResidenceRegistered, ResidenceResident, ResidenceFloating, ResidenceOverseas}

// ResidenceNames gives the Chinese name of each residence type.
var ResidenceNames = map[string]string{
	ResidenceRegistered: "户籍",
	ResidenceResident:   "常住",
	ResidenceFloating:   "流动",
	ResidenceOverseas:   "境外",
}

// Household types (户类别).
const (
	HouseholdRegistered = "registered" // 户籍户
	HouseholdFloating   = "floating"   // 流动户
	HouseholdCollective = "collective" // 集体户
)

// HouseholdKindNames gives the Chinese name of each household type.
var HouseholdKindNames = map[string]string{
	HouseholdRegistered: "户籍户",
	HouseholdFloating:   "流动户",
	HouseholdCollective: "集体户",
}

// House uses (房屋用途).
const (
	HouseOwner  = "owner"  // 自住
	HouseRented = "rented" // 出租
	HouseVacant = "vacant" // 空置
)

// HouseUseNames gives the Chinese name of each house use.
var HouseUseNames = map[string]string{
	HouseOwner:  "自住",
	HouseRented: "出租",
	HouseVacant: "空置",
}

// OrganisationKindNames gives the Chinese name of each organisation kind.
var OrganisationKindNames = map[string]string{
	"unit":       "驻区单位",
	"social":     "社会组织",
	"property":   "物业公司",
	"enterprise": "企业",
	"shop":       "个体工商户",
	"school":     "学校",
	"medical":    "医疗机构",
}

// BuildingKindNames gives the Chinese name of each building kind.
var BuildingKindNames = map[string]string{
	"residential": "住宅楼",
	"bungalow":    "平房院落",
	"commercial":  "商业楼",
	"mixed":       "商住楼",
	"public":      "公共建筑",
}

// GenderNames gives the Chinese name of each gender code.
var GenderNames = map[string]string{"M": "男", "F": "女"}

// PersonStatusNames gives the Chinese name of each person status.
var PersonStatusNames = map[string]string{
	"active":    "在册",
	"moved_out": "迁出",
	"deceased":  "死亡",
}

// Person is one resident in the register (实有人口).
type Person struct {
	CommunityID  int64  `json:"community_id"`
	ID           int64  `json:"id"`
	HouseholdID  int64  `json:"household_id,omitempty"`
	OrgID        int64  `json:"org_id"`
	GridID       int64  `json:"grid_id,omitempty"`
	Name         string `json:"name"`
	DocType      string `json:"doc_type"`
	IDNumber     string `json:"id_number"`
	Gender       string `json:"gender"`
	BirthDate    string `json:"birth_date"` // YYYY-MM-DD; the month's last day when only the month is known
	Ethnicity    string `json:"ethnicity,omitempty"`
	Relation     string `json:"relation,omitempty"`
	Residence    string `json:"residence"`
	Phone        string `json:"phone,omitempty"`
	HukouAddress string `json:"hukou_address,omitempty"`
	Address      string `json:"address,omitempty"`
	EmployerID   int64  `json:"employer_id,omitempty"`
	Occupation   string `json:"occupation,omitempty"`
	MovedInOn    string `json:"moved_in_on,omitempty"`
	Status       string `json:"status"`
	LeftOn       string `json:"left_on,omitempty"` // the day of a move out of the community (迁出) or of death
	LeftTo       string `json:"left_to,omitempty"` // where a person moved out to (迁往地)
	Version      int    `json:"version"`
	CreatedAt    string `json:"created_at,omitempty"`
	UpdatedAt    string `json:"updated_at,omitempty"`

	// BirthPrecision is day, or month when only the year and month of the
	// birth are known (出生年月 on a roster without an ID number).
	BirthPrecision string `json:"birth_precision"`
}

// Household is one 户.
type Household struct {
	CommunityID int64  `json:"community_id"`
	ID          int64  `json:"id"`
	Number      string `json:"number"`
	Kind        string `json:"kind"`
	HouseID     int64  `json:"house_id,omitempty"`
	OrgID       int64  `json:"org_id"`
	GridID      int64  `json:"grid_id,omitempty"`
	HeadID      int64  `json:"head_id,omitempty"`
	Address     string `json:"address,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Status      string `json:"status"`
	Version     int    `json:"version"`
	CreatedAt   string `json:"created_at,omitempty"`
	UpdatedAt   string `json:"updated_at,omitempty"`
}

// Building is a 楼栋 or 院落; it is also a unit of the org tree.
type Building struct {
	CommunityID int64  `json:"community_id"`
	ID          int64  `json:"id"`
	GridID      int64  `json:"grid_id,omitempty"`
	Name        string `json:"name"`
	Address     string `json:"address,omitempty"`
	Kind        string `json:"kind"`
	Floors      int    `json:"floors,omitempty"`
	BuiltYear   int    `json:"built_year,omitempty"`
	Version     int    `json:"version"`
}

// House is one dwelling (实有房屋).
type House struct {
	CommunityID int64   `json:"community_id"`
	ID          int64   `json:"id"`
	BuildingID  int64   `json:"building_id"`
	OrgID       int64   `json:"org_id"`
	GridID      int64   `json:"grid_id,omitempty"`
	Number      string  `json:"number"`
	Address     string  `json:"address,omitempty"`
	AreaM2      float64 `json:"area_m2,omitempty"`
	Use         string  `json:"use"`
	OwnerName   string  `json:"owner_name,omitempty"`
	OwnerPhone  string  `json:"owner_phone,omitempty"`
	Version     int     `json:"version"`
}

// Rental is a letting of a house (出租登记) and the persons living in it.
type Rental struct {
	CommunityID    int64   `json:"community_id"`
	ID             int64   `json:"id"`
	HouseID        int64   `json:"house_id"`
	Landlord       string  `json:"landlord"`
	LandlordPhone  string  `json:"landlord_phone,omitempty"`
	StartedOn      string  `json:"started_on"`
	EndedOn        string  `json:"ended_on,omitempty"`
	MonthlyRentFen int64   `json:"monthly_rent_fen,omitempty"` // 月租金 in 分; JSON also carries monthly_rent in 元
	TenantIDs      []int64 `json:"tenant_ids"`
	Version        int     `json:"version"`
}

// Organisation is a unit, company or social organisation in the community
// (实有单位/社会组织).
type Organisation struct {
	CommunityID int64  `json:"community_id"`
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	USCC        string `json:"uscc,omitempty"`
	LegalRep    string `json:"legal_rep,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Address     string `json:"address,omitempty"`
	OrgID       int64  `json:"org_id"`
	GridID      int64  `json:"grid_id,omitempty"`
	StaffCount  int    `json:"staff_count,omitempty"`
	Status      string `json:"status"`
	Version     int    `json:"version"`
}

// Tag marks a person as belonging to a special or service group for a period.
type Tag struct {
	CommunityID int64  `json:"community_id"`
	ID          int64  `json:"id"`
	PersonID    int64  `json:"person_id"`
	Tag         string `json:"tag"`
	Name        string `json:"name,omitempty"`
	StartedOn   string `json:"started_on"`
	EndedOn     string `json:"ended_on,omitempty"`
	Note        string `json:"note,omitempty"`
	Evidence    string `json:"evidence,omitempty"` // the document the tag was granted on: its number or file reference
	Sensitive   bool   `json:"sensitive,omitempty"`
	Version     int    `json:"version"`
}

// TagKind is an entry of the tag catalogue.
type TagKind struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Category  string `json:"category"`
	Sensitive bool   `json:"sensitive"`
}
