package services

import (
	"testing"

	"shequ/internal/register"
)

func TestKinshipFromRelationCodes(t *testing.T) {
	const headID = 1
	h := register.Household{HeadID: headID}
	person := func(id int64, rel, gender, birth string) register.Person {
		return register.Person{ID: id, Name: []string{"甲", "乙", "丙"}[id-1], Relation: rel, Gender: gender, BirthDate: birth}
	}
	man, woman := person(headID, "02", "M", "1968-03-09"), person(headID, "02", "F", "1968-03-09")
	for _, c := range []struct {
		head, a, b register.Person
		want       string // "" when the codes do not settle it
	}{
		{man, man, person(2, "12", "F", ""), "夫妻"},
		{woman, person(2, "11", "M", ""), woman, "夫妻"},
		{man, man, person(2, "20", "M", ""), "父子"},
		{man, person(2, "31", "F", ""), man, "父女"},
		{woman, woman, person(2, "30", "F", ""), "母女"},
		{man, person(2, "12", "F", ""), person(3, "22", "M", ""), "母子"},
		{man, man, person(2, "51", "M", ""), "父子"},
		{woman, woman, person(2, "52", "F", ""), "母女"},
		{man, man, person(2, "38", "F", ""), "翁媳"},
		{man, person(2, "12", "F", ""), person(3, "38", "F", ""), "婆媳"},
		{man, man, person(2, "28", "M", ""), "翁婿"},
		{man, person(2, "12", "F", ""), person(3, "28", "M", ""), "岳母与女婿"},
		{woman, woman, person(2, "53", "M", ""), "翁媳"},
		{woman, person(2, "11", "M", ""), person(3, "51", "M", ""), "翁婿"},
		{man, person(2, "12", "F", ""), person(3, "56", "F", ""), "母女"},
		{man, man, person(2, "41", "M", ""), "祖孙"},
		{man, man, person(2, "44", "F", ""), "外祖孙"},
		{man, man, person(2, "63", "M", ""), "外祖孙"},
		{man, person(2, "20", "M", ""), person(3, "52", "F", ""), "祖孙"},
		{woman, person(2, "20", "M", ""), person(3, "52", "F", ""), "外祖孙"},
		{man, person(2, "20", "M", ""), person(3, "55", "M", ""), "外祖孙"},
		{man, person(2, "20", "M", "1995-01-01"), person(3, "30", "F", "1998-01-01"), "兄妹"},
		{man, person(2, "20", "M", "1995-01-01"), person(3, "30", "F", "1990-01-01"), "姐弟"},
		{man, person(2, "21", "M", ""), person(3, "23", "M", ""), "兄弟"},
		{man, man, person(2, "77", "F", "1975-01-01"), "兄妹"},
		{man, person(2, "51", "M", ""), person(3, "52", "F", ""), "夫妻"},
		{man, person(2, "51", "M", ""), person(3, "73", "M", ""), "父子"},
		{man, person(2, "41", "M", ""), person(3, "42", "F", ""), ""}, // siblings or cousins
		{man, man, person(2, "81", "M", ""), ""},
		{man, person(2, "20", "M", ""), person(3, "28", "M", ""), ""},
		{register.Person{}, person(2, "20", "M", ""), person(3, "52", "F", ""), ""}, // which side is unknown
		{man, man, person(2, "20", "", ""), "父子"},                                   // the code says son
		{man, man, person(2, "50", "", ""), "父母子女"},                                 // 父母: which parent is not said
		{man, person(2, "10", "", ""), person(3, "79", "", ""), ""},
		{woman, person(2, "70", "", "1960-01-01"), woman, "兄弟姐妹"},
		{man, person(2, "10", "", ""), person(3, "28", "M", ""), ""}, // 配偶 of unknown sex and a 女婿
	} {
		kin, _, err := relationOf(c.a, c.b, h, c.head)
		if c.want == "" {
			if err == nil {
				t.Errorf("%s and %s: %s, want a refusal", c.a.Relation, c.b.Relation, kin)
			} else {
				fieldErr(t, err, "relative")
			}
			continue
		}
		if err != nil || kin != c.want {
			t.Errorf("%s (%s) and %s (%s): %q %v, want %q", c.a.Relation, c.a.Gender, c.b.Relation, c.b.Gender, kin, err, c.want)
		}
		// The order of the two does not change the relation.
		if kin2, _, _ := relationOf(c.b, c.a, h, c.head); kin2 != kin {
			t.Errorf("%s and %s: %q one way, %q the other", c.a.Relation, c.b.Relation, kin, kin2)
		}
	}
	if _, _, err := relationOf(man, person(2, "99", "F", ""), h, man); err == nil {
		t.Error("a non-relative certified as kin")
	}
}
