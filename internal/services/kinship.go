package services

import (
	"fmt"

	"shequ/internal/codes"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// A 亲属关系证明 certifies how two people are related — 夫妻, 父子, 母女,
// 兄妹 … — and the register knows it only through each member's relation to
// the household head (GB/T 4761). kinship derives the one from the other
// where the two relations settle it, and refuses where they do not (two of
// the head's grandchildren may be siblings or cousins): a certificate that
// cannot name the relation is not issued.

// tie is a member's place in the household seen from the head.
type tie int

const (
	tieNone tie = iota
	tieHead
	tieSpouse
	tieChild
	tieChildInLaw
	tieGrandchild
	tieParent
	tieParentInLaw
	tieGrandparent
	tieSibling
	tieUnrelated
)

// member is what kinship needs of a household member.
type member struct {
	tie   tie
	male  bool
	sexed bool // the register or the code says which sex
	birth string
	// maternal marks grandchildren through a daughter and grandparents on
	// the mother's side (外孙, 外祖父母), as the code says.
	maternal bool
}

// memberOf reads a person's tie to the head from the relation code; the
// gender is the register's, or the code's where the register has none.
func memberOf(p register.Person, isHead bool) member {
	m := member{birth: p.BirthDate}
	code := p.Relation
	male := map[string]bool{"11": true, "28": true, "41": true, "43": true, "51": true, "53": true, "55": true,
		"57": true, "61": true, "63": true, "71": true, "73": true}
	female := map[string]bool{"12": true, "38": true, "42": true, "44": true, "52": true, "54": true, "56": true,
		"58": true, "62": true, "64": true, "75": true, "77": true}
	switch {
	case isHead || codes.IsHead(code):
		m.tie = tieHead
	case code >= "10" && code <= "12":
		m.tie = tieSpouse
	case code == "28" || code == "38":
		m.tie = tieChildInLaw
	case code >= "20" && code <= "39":
		m.tie = tieChild
		male[code] = code < "30"
		female[code] = code >= "30"
	case code >= "40" && code <= "44" || code == "49":
		m.tie, m.maternal = tieGrandchild, code == "43" || code == "44"
	case code == "50" || code == "51" || code == "52" || code >= "57" && code <= "59":
		m.tie = tieParent
	case code >= "53" && code <= "56":
		m.tie = tieParentInLaw
	case code >= "60" && code <= "64" || code == "69":
		m.tie, m.maternal = tieGrandparent, code == "63" || code == "64"
	case code == "70" || code == "71" || code == "73" || code == "75" || code == "77" || code == "79":
		m.tie = tieSibling
	case code == "99":
		m.tie = tieUnrelated
	}
	switch p.Gender {
	case "M":
		m.male, m.sexed = true, true
	case "F":
		m.male, m.sexed = false, true
	default:
		m.male, m.sexed = male[code], male[code] || female[code]
	}
	return m
}

// kinship names how a and b are related ("夫妻", "父女", "兄妹", "祖孙" …),
// with head the household's head (its tie is tieNone when the register
// does not say who the head is or of which sex); ok is false when their
// relations to the head do not settle it.
func kinship(a, b member, head member) (string, bool) {
	if a.tie > b.tie {
		a, b = b, a
	}
	switch [2]tie{a.tie, b.tie} {
	case [2]tie{tieHead, tieSpouse}, [2]tie{tieParent, tieParent}, [2]tie{tieParentInLaw, tieParentInLaw}:
		if a.sexed && b.sexed && a.male == b.male {
			return "", false
		}
		return "夫妻", true
	case [2]tie{tieHead, tieChild}, [2]tie{tieSpouse, tieChild}:
		return parentChild(a, b), true
	case [2]tie{tieHead, tieParent}, [2]tie{tieSpouse, tieParentInLaw}:
		return parentChild(b, a), true
	case [2]tie{tieParent, tieSibling}:
		return parentChild(a, b), true
	case [2]tie{tieHead, tieChildInLaw}, [2]tie{tieSpouse, tieChildInLaw}:
		return inLaw(a, b), a.sexed && b.sexed
	case [2]tie{tieHead, tieParentInLaw}, [2]tie{tieSpouse, tieParent}:
		return inLaw(b, a), a.sexed && b.sexed
	case [2]tie{tieHead, tieGrandchild}, [2]tie{tieSpouse, tieGrandchild}:
		return grand(b.maternal), true
	case [2]tie{tieHead, tieGrandparent}:
		return grand(b.maternal), true
	case [2]tie{tieChild, tieParent}:
		// The head's parents are the child's grandparents on the head's
		// side: a father's parents are 祖父母, a mother's 外祖父母.
		return grand(!head.male), head.tie == tieHead
	case [2]tie{tieChild, tieParentInLaw}:
		return grand(head.male), head.tie == tieHead
	case [2]tie{tieHead, tieSibling}, [2]tie{tieChild, tieChild}, [2]tie{tieSibling, tieSibling}:
		return siblings(a, b), true
	}
	return "", false
}

// parentChild names a parent and a child: 父子, 父女, 母子, 母女; 父母子女
// when the register does not say the sex of one of them.
func parentChild(parent, child member) string {
	if !parent.sexed || !child.sexed {
		return "父母子女"
	}
	p, c := "母", "女"
	if parent.male {
		p = "父"
	}
	if child.male {
		c = "子"
	}
	return p + c
}

// inLaw names a parent-in-law and a child's spouse: 翁婿, 翁媳, 婆媳, and
// for a wife's mother and her husband, 岳母与女婿.
func inLaw(parent, spouse member) string {
	switch {
	case parent.male && spouse.male:
		return "翁婿"
	case parent.male:
		return "翁媳"
	case !spouse.male:
		return "婆媳"
	}
	return "岳母与女婿"
}

func grand(maternal bool) string {
	if maternal {
		return "外祖孙"
	}
	return "祖孙"
}

// siblings names two siblings, the elder first where sexes differ: 兄弟,
// 姐妹, 兄妹, 姐弟; without both sexes or both birth dates, 兄弟姐妹.
func siblings(a, b member) string {
	switch {
	case !a.sexed || !b.sexed:
		return "兄弟姐妹"
	case a.male && b.male:
		return "兄弟"
	case !a.male && !b.male:
		return "姐妹"
	case a.birth == "" || b.birth == "" || a.birth == b.birth:
		return "兄弟姐妹"
	}
	elder := a
	if b.birth < a.birth {
		elder = b
	}
	if elder.male {
		return "兄妹"
	}
	return "姐弟"
}

// relationOf names the kinship of p and r, members of household h whose
// head is head (a zero Person when unknown), with the detail of their
// relations to the head; or says at the relative field why the register
// does not establish it.
func relationOf(p, r register.Person, h register.Household, head register.Person) (kin, detail string, err error) {
	a, b := memberOf(p, p.ID == h.HeadID), memberOf(r, r.ID == h.HeadID)
	if a.tie == tieUnrelated || b.tie == tieUnrelated {
		return "", "", fault.Fields{"relative": "基础信息库登记二人中有一人与户主为非亲属关系,不能出具亲属关系证明"}
	}
	hm := member{}
	if head.ID != 0 && head.Gender != "" {
		hm = memberOf(head, true)
	}
	kin, ok := kinship(a, b, hm)
	if !ok {
		return "", "", fault.Fields{"relative": fmt.Sprintf("基础信息库中%s与户主的关系(%s)和%s与户主的关系(%s)不能确定二人是何种亲属关系,请核实户内关系登记",
			p.Name, relationName(p, h), r.Name, relationName(r, h))}
	}
	return kin, relationText(p, r, h), nil
}

func relationName(p register.Person, h register.Household) string {
	if p.ID == h.HeadID || codes.IsHead(p.Relation) {
		return "户主"
	}
	if n, ok := codes.RelationName(p.Relation); ok {
		return n
	}
	return "未登记"
}
