package codes

import "strings"

// relations is GB/T 4761-2008 家庭关系代码, the two-digit codes: the relation
// of each member to the household head. Codes ending in 0 name a group (20 子,
// 30 女 …); 98 is unassigned. Names follow the standard; where printings differ
// (或 versus 、 in 40, 49, 60, 65, 68) the form most systems use is kept and
// RelationByName accepts both.
var relations = []Code{
	{"01", "本人"},
	{"02", "户主"},
	{"10", "配偶"},
	{"11", "夫"},
	{"12", "妻"},
	{"20", "子"},
	{"21", "独生子"},
	{"22", "长子"},
	{"23", "次子"},
	{"24", "三子"},
	{"25", "四子"},
	{"26", "五子"},
	{"27", "养子或继子"},
	{"28", "女婿"},
	{"29", "其他儿子"},
	{"30", "女"},
	{"31", "独生女"},
	{"32", "长女"},
	{"33", "次女"},
	{"34", "三女"},
	{"35", "四女"},
	{"36", "五女"},
	{"37", "养女或继女"},
	{"38", "儿媳"},
	{"39", "其他女儿"},
	{"40", "孙子、孙女或外孙子、外孙女"},
	{"41", "孙子"},
	{"42", "孙女"},
	{"43", "外孙子"},
	{"44", "外孙女"},
	{"45", "孙媳妇或外孙媳妇"},
	{"46", "孙女婿或外孙女婿"},
	{"47", "曾孙子或外曾孙子"},
	{"48", "曾孙女或外曾孙女"},
	{"49", "其他孙子、孙女或外孙子、外孙女"},
	{"50", "父母"},
	{"51", "父亲"},
	{"52", "母亲"},
	{"53", "公公"},
	{"54", "婆婆"},
	{"55", "岳父"},
	{"56", "岳母"},
	{"57", "继父或养父"},
	{"58", "继母或养母"},
	{"59", "其他父母关系"},
	{"60", "祖父母或外祖父母"},
	{"61", "祖父"},
	{"62", "祖母"},
	{"63", "外祖父"},
	{"64", "外祖母"},
	{"65", "配偶的祖父母或外祖父母"},
	{"66", "曾祖父"},
	{"67", "曾祖母"},
	{"68", "配偶的曾祖父母或外曾祖父母"},
	{"69", "其他祖父母或外祖父母关系"},
	{"70", "兄、弟、姐、妹"},
	{"71", "兄"},
	{"72", "嫂"},
	{"73", "弟"},
	{"74", "弟媳"},
	{"75", "姐姐"},
	{"76", "姐夫"},
	{"77", "妹妹"},
	{"78", "妹夫"},
	{"79", "其他兄弟姐妹"},
	{"80", "其他"},
	{"81", "伯父"},
	{"82", "伯母"},
	{"83", "叔父"},
	{"84", "婶母"},
	{"85", "舅父"},
	{"86", "舅母"},
	{"87", "姨父"},
	{"88", "姨母"},
	{"89", "姑父"},
	{"90", "姑母"},
	{"91", "堂兄弟、堂姐妹"},
	{"92", "表兄弟、表姐妹"},
	{"93", "侄子"},
	{"94", "侄女"},
	{"95", "外甥"},
	{"96", "外甥女"},
	{"97", "其他亲属"},
	{"99", "非亲属"},
}

// Relations lists the relation codes in code order.
func Relations() []Code { return append([]Code(nil), relations...) }

// RelationName returns the name for a two-digit code.
func RelationName(code string) (string, bool) { return lookup(relations, code) }

// relationAliases are the everyday words that spreadsheets and forms use
// instead of the standard's terms.
var relationAliases = map[string]string{
	"户主本人": "02",
	"丈夫":   "11",
	"妻子":   "12",
	"儿子":   "20",
	"女儿":   "30",
	"父":    "51",
	"母":    "52",
	"嫂子":   "72",
	"婶婶":   "84",
	"姨夫":   "87", // the 2008 text writes 姨夫; most systems write 姨父
}

// RelationByName finds the code for a relation name. It accepts the
// standard's wording and the common variants of it: the enumeration comma
// and 或 left out or put in ("兄弟姐妹", "孙子、孙女、外孙子、外孙女"), 其它 for
// 其他, and a few everyday words (儿子, 妻子 …).
func RelationByName(name string) (string, bool) {
	key := relationKey(name)
	if key == "" {
		return "", false
	}
	if code, ok := relationsByKey[key]; ok {
		return code, true
	}
	code, ok := relationAliases[key]
	return code, ok
}

// relationFold drops the enumeration marks and spaces relationKey ignores.
var relationFold = strings.NewReplacer("、", "", "，", "", ",", "", "或", "", " ", "", "　", "")

// relationsByKey finds a code by the folded form of its standard name;
// imports look up a relation for every row of a list.
var relationsByKey = func() map[string]string {
	m := make(map[string]string, len(relations))
	for _, c := range relations {
		if _, dup := m[relationKey(c.Name)]; !dup {
			m[relationKey(c.Name)] = c.Code
		}
	}
	return m
}()

// relationKey folds the spelling differences RelationByName tolerates.
func relationKey(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "其它", "其他")
	return relationFold.Replace(s)
}

// IsHead reports whether a relation code marks the household head (本人 or 户主).
func IsHead(code string) bool { return code == "01" || code == "02" }
