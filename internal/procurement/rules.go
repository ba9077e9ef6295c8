package procurement

import "strings"

// Kind is a coded kind with its name.
type Kind struct{ Code, Name string }

// Categories are the public services a community buys (财政部令第102号
// 第十四条's 公共服务 and 社会管理性服务, as communities meet them).
var Categories = []Kind{{"elderly", "养老服务"}, {"meals", "社区助餐"}, {"environment", "环境卫生与保洁"},
	{"children", "儿童关爱"}, {"disability", "助残服务"}, {"culture", "文体活动"},
	{"mediation", "矛盾调解"}, {"social_work", "社会工作服务"}, {"other", "其他社区服务"}}

// CategoryName names a category ("" for an unknown one).
func CategoryName(code string) string {
	for _, k := range Categories {
		if k.Code == code {
			return k.Name
		}
	}
	return ""
}

// Forbidden is an entry of the negative list: what may not be bought as a
// service (财政部令第102号 第十条), with the words that betray it in a
// project's title or goals.
type Forbidden struct {
	Rule  string   // the rule, as the refusal quotes it
	Words []string // matched in the title and goals
}

// NegativeList is 第十条 as data. The words are deliberately few and
// specific: a false refusal is cheaper to argue than a wrong purchase, but
// a list that refuses every 改造 would refuse services too.
var NegativeList = []Forbidden{
	{"不属于政府职责范围的服务事项", []string{"商业经营", "营利性"}},
	{"应当由政府直接履职的事项(行政决策、行政执法、行政审批等)", []string{"行政执法", "行政审批", "行政处罚", "执法"}},
	{"政府采购法律、行政法规规定的货物和工程,以及将工程和服务打包的项目", []string{"工程", "施工", "加装电梯", "设备采购", "购置", "设施更新"}},
	{"融资行为", []string{"融资", "贷款", "借款"}},
	{"购买主体的人员招、聘用,以劳务派遣方式用工,以及设置公益性岗位等事项", []string{"劳务派遣", "招聘", "公益性岗位"}},
}

// negative says which rule of the negative list a text falls on, or "".
func negative(texts ...string) string {
	all := strings.Join(texts, " ")
	for _, f := range NegativeList {
		for _, w := range f.Words {
			if strings.Contains(all, w) {
				return f.Rule
			}
		}
	}
	return ""
}

// The price's points for services: 《政府采购货物和服务招标投标管理办法》
// (财政部令第87号) 第五十五条 puts the price's share of a service's score at
// no less than 10% and no more than 30%. Quality criteria take the rest.
const (
	MinPricePoints = 10
	MaxPricePoints = 30
	TotalPoints    = 100
	MaxCriteria    = 8
)

// Stages name the stages a project passes, in order; "evaluation" is a
// tender whose deadline has passed.
var Stages = []Kind{{"planning", "立项"}, {"tender", "招标中"}, {"evaluation", "评审中"}, {"awarded", "已授标"},
	{"contract", "履约中"}, {"completed", "已结项"}}

// StageName names a stage.
func StageName(code string) string {
	for _, k := range Stages {
		if k.Code == code {
			return k.Name
		}
	}
	return ""
}
