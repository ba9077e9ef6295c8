package imports

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"shequ/internal/codes"
	"shequ/internal/register"
)

// Conflict kinds.
const (
	KindIdentity = "identity" // is the row this register person? (found by name, ID numbers differ)
	KindFields   = "fields"   // the row is the person; which value of each field is right?
)

// Conflict statuses.
const (
	ConflictOpen       = "open"
	ConflictResolved   = "resolved"
	ConflictSuperseded = "superseded" // a later import brought other values for the same person
)

// Conflict is one entry of the queue: a row a person must decide, shown
// side by side with the register.
type Conflict struct {
	CommunityID    int64       `json:"community_id"`
	ID             int64       `json:"id"`
	GridID         int64       `json:"grid_id,omitempty"`
	OrgID          int64       `json:"org_id"`
	ImportID       int64       `json:"import_id"`
	Department     string      `json:"department"`
	DepartmentName string      `json:"department_name,omitempty"`
	Kind           string      `json:"kind"`
	PersonID       int64       `json:"person_id"`
	Score          float64     `json:"score,omitempty"`
	Key            string      `json:"-"`
	Incoming       Incoming    `json:"incoming"`
	Fields         []FieldDiff `json:"fields"`
	Sheet          string      `json:"sheet,omitempty"`
	RowNum         int         `json:"row_num,omitempty"`
	Status         string      `json:"status"`
	Resolution     string      `json:"resolution,omitempty"`
	ResolvedBy     string      `json:"resolved_by,omitempty"`
	ResolvedAt     string      `json:"resolved_at,omitempty"`
	Version        int         `json:"version"`
	CreatedAt      string      `json:"created_at"`
}

// Incoming is a row as the queue keeps it: enough to apply any choice
// later, the creation of a new person included.
type Incoming struct {
	Person      register.Person `json:"person"`
	Has         []string        `json:"has"`
	Tag         *tagIn          `json:"tag,omitempty"`  // the tag the list is about
	Tags        []*tagIn        `json:"tags,omitempty"` // the tags of its tag columns (孕情)
	Household   string          `json:"household,omitempty"`
	CommunityID int64           `json:"community_id,omitempty"` // where a new person would go
	Residence   string          `json:"residence,omitempty"`    // the import's 人口类别 for new persons
	BirthMonth  string          `json:"birth_month,omitempty"`  // 出生年月 without a day
}

// tag is what the row says of the tag of kind code, or nil.
func (in *Incoming) tag(code string) *tagIn {
	if in.Tag != nil && in.Tag.Code == code {
		return in.Tag
	}
	for _, t := range in.Tags {
		if t.Code == code {
			return t
		}
	}
	return nil
}

// key is what the queue and identity decisions know the row by: its
// document, or for a row without one its name, birth and address.
func (in *Incoming) key() string {
	if in.Person.IDNumber == "" {
		return noIDKey(in.Person.Name, in.Person.BirthDate, in.BirthMonth, in.Person.Address, in.Person.HukouAddress)
	}
	return docKey(in.Person.DocType, in.Person.IDNumber)
}

// FieldDiff is one field on which the register and the row disagree.
type FieldDiff struct {
	Field    string `json:"field"` // a person field, or tag.<code>[.started_on|.ended_on|.note]
	Label    string `json:"label"`
	Register string `json:"register"` // the stored value
	Incoming string `json:"incoming"`
	// Shown are the values as people read them (男, 汉族, 2024-03-01 起).
	RegisterShown string `json:"register_shown"`
	IncomingShown string `json:"incoming_shown"`
}

// shown renders a person field's stored value for people.
func shown(field, v string) string {
	if v == "" {
		return ""
	}
	switch field {
	case "gender":
		return register.GenderNames[v]
	case "residence":
		return register.ResidenceNames[v]
	case "ethnicity":
		if n, ok := codes.EthnicityName(v); ok {
			return n
		}
	case "relation":
		if n, ok := codes.RelationName(v); ok {
			return n
		}
	}
	return v
}

func personDiff(field, reg, inc string) FieldDiff {
	return FieldDiff{Field: field, Label: register.FieldLabel("person", field), Register: reg, Incoming: inc,
		RegisterShown: shown(field, reg), IncomingShown: shown(field, inc)}
}

// conflictKey identifies what a conflict is about: the same disagreement
// arriving again gets the same key.
func conflictKey(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:16])
}

func fieldsKey(department string, personID int64, diffs []FieldDiff) string {
	parts := []string{KindFields, department, itoa(personID)}
	sorted := append([]FieldDiff(nil), diffs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Field < sorted[j].Field })
	for _, d := range sorted {
		parts = append(parts, d.Field, d.Incoming)
	}
	return conflictKey(parts...)
}

func identityKey(department, key string) string { return conflictKey(KindIdentity, department, key) }
