package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// weighted is a choice with a weight.
type weighted struct {
	v string
	w int
}

func pickWeighted(r *rand.Rand, ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	x := r.IntN(total)
	for _, w := range ws {
		x -= w.w
		if x < 0 {
			return w.v
		}
	}
	return ws[len(ws)-1].v
}

// region is what the communities of one preset share: where people come
// from, their names and ethnic groups, the housing stock and the local trades.
type region struct {
	province, city string // 陕西省, 延安市: the front of 户籍 addresses
	surnames       string // key of regionalSurnames
	ethnicities    []weighted
	mongolianNames bool // 蒙古族 residents often carry Mongolian names
	// Prefixes (2 digits: province, 4: prefecture) of the areas the 流动人口
	// come from, and of those registered here who were born elsewhere.
	floatingFrom, movedFrom []weighted
	phoneArea               string // 0911
	rent                    [2]int // monthly rent range, yuan
	// Shares (percent of buildings) of 平房院落, walk-ups (4–7 floors),
	// mid-rise (8–18) and high-rise (19–33) buildings.
	bungalow, walkup, midrise, highrise int
	jobs, floatingJobs                  []weighted // occupations
	seqLo, seqHi                        int        // order-code range of this preset's ID numbers
	phoneBase                           uint64     // first phone counter of this preset
}

// communitySpec is what a preset says about one community; the generator
// fills in the rest.
type communitySpec struct {
	name, code          string
	households, persons int // all, floating included
	floatingHouseholds  int
	floatingPersons     int
	collective          int // 集体户 among the non-floating households
	groups              int // 居民小组 (0: grids hang on the community)
	grids               int
	centerHeads         int
	buildingHeads       bool // a 楼栋长 on every building of five floors or more
	orgs                []orgSpec
	orgCount            int
	staff               []staffSpec
	gridWorkersApart    bool    // 网格员 are their own staff, not community workers
	lon, lat, areaKm2   float64 // centre and area, for boundaries
	district            string  // 安塞区, the front of addresses
	homeArea, oldHome   string  // area code of registered residents (and before a renaming)
	renamed             int     // day the home area code changed (oldHome before)
	roads               []string
}

type orgSpec struct{ name, kind string }

type staffSpec struct{ role, title string }

type streetSpec struct {
	name, code  string
	communities []communitySpec
}

type districtSpec struct {
	name, code string
	streets    []streetSpec
}

type presetSpec struct {
	name           string
	city, cityCode string
	districts      []districtSpec
	region         *region
}

func (p *presetSpec) communities() []*communitySpec {
	var out []*communitySpec
	for di := range p.districts {
		for si := range p.districts[di].streets {
			for ci := range p.districts[di].streets[si].communities {
				out = append(out, &p.districts[di].streets[si].communities[ci])
			}
		}
	}
	return out
}

var shaanbei = &region{
	province: "陕西省", city: "延安市", surnames: "shaanbei",
	ethnicities:  []weighted{{"01", 9950}, {"03", 25}, {"11", 10}, {"02", 8}, {"06", 3}, {"15", 2}, {"08", 2}},
	floatingFrom: []weighted{{"6106", 30}, {"6108", 16}, {"61", 14}, {"62", 12}, {"64", 8}, {"14", 6}, {"41", 6}, {"51", 4}, {"15", 4}},
	movedFrom:    []weighted{{"6106", 50}, {"61", 28}, {"6108", 12}, {"62", 5}, {"14", 5}},
	phoneArea:    "0911", rent: [2]int{400, 1500},
	bungalow: 22, walkup: 48, midrise: 20, highrise: 10,
	jobs: []weighted{{"企业职工", 18}, {"个体经营", 16}, {"石油工人", 12}, {"机关事业单位人员", 10}, {"教师", 5},
		{"医务人员", 3}, {"服务业人员", 10}, {"司机", 5}, {"建筑工人", 5}, {"务农", 6}, {"无业", 6}, {"自由职业", 4}},
	floatingJobs: []weighted{{"务工人员", 30}, {"个体经营", 20}, {"石油工人", 12}, {"建筑工人", 12}, {"服务业人员", 14},
		{"司机", 6}, {"无业", 6}},
	seqLo: 0, seqHi: 300, phoneBase: 0,
}

var jinnan = &region{
	province: "山西省", city: "临汾市", surnames: "jinnan",
	ethnicities:  []weighted{{"01", 9960}, {"03", 25}, {"11", 8}, {"02", 4}, {"06", 3}},
	floatingFrom: []weighted{{"1410", 35}, {"14", 25}, {"41", 15}, {"61", 10}, {"13", 5}, {"37", 5}, {"62", 5}},
	movedFrom:    []weighted{{"1410", 60}, {"14", 30}, {"41", 10}},
	phoneArea:    "0357", rent: [2]int{350, 1200},
	bungalow: 30, walkup: 50, midrise: 15, highrise: 5,
	jobs: []weighted{{"企业职工", 22}, {"个体经营", 18}, {"机关事业单位人员", 10}, {"教师", 5}, {"医务人员", 3},
		{"服务业人员", 12}, {"司机", 5}, {"建筑工人", 6}, {"务农", 8}, {"无业", 7}, {"自由职业", 4}},
	floatingJobs: []weighted{{"务工人员", 35}, {"个体经营", 22}, {"建筑工人", 14}, {"服务业人员", 16}, {"司机", 6}, {"无业", 7}},
	seqLo:        300, seqHi: 500, phoneBase: 5_000_000,
}

var wuhai = &region{
	province: "内蒙古自治区", city: "乌海市", surnames: "wuhai", mongolianNames: true,
	ethnicities:  []weighted{{"01", 9350}, {"02", 330}, {"03", 200}, {"11", 80}, {"10", 10}, {"31", 5}, {"45", 5}, {"04", 5}, {"05", 5}, {"06", 10}},
	floatingFrom: []weighted{{"15", 25}, {"64", 18}, {"62", 14}, {"61", 10}, {"13", 8}, {"14", 8}, {"41", 7}, {"37", 5}, {"51", 5}},
	movedFrom:    []weighted{{"1503", 30}, {"15", 20}, {"64", 15}, {"62", 10}, {"61", 8}, {"13", 6}, {"14", 6}, {"41", 5}},
	phoneArea:    "0473", rent: [2]int{500, 1800},
	bungalow: 8, walkup: 60, midrise: 20, highrise: 12,
	jobs: []weighted{{"煤矿工人", 14}, {"化工企业职工", 12}, {"企业职工", 14}, {"个体经营", 15}, {"机关事业单位人员", 9},
		{"教师", 4}, {"医务人员", 3}, {"服务业人员", 12}, {"司机", 6}, {"建筑工人", 4}, {"无业", 5}, {"自由职业", 2}},
	floatingJobs: []weighted{{"务工人员", 28}, {"煤矿工人", 14}, {"个体经营", 18}, {"建筑工人", 12}, {"服务业人员", 16},
		{"司机", 6}, {"无业", 6}},
	seqLo: 500, seqHi: 1000, phoneBase: 10_000_000,
}

// chengbei is 延安市安塞区真武洞街道城北社区 as its report describes it:
// 7,891 households and 25,369 persons on 3.6 km², of whom 3,112 floating
// households with 10,180 persons; 5 resident groups, 19 grids of about 400
// households, 40 中心户长, 38 units (14 schools, 2 medical institutions) and
// 21 staff.
func chengbei() *presetSpec {
	orgs := []orgSpec{
		{"安塞区畜牧兽医局", "unit"}, {"国网延安市安塞区供电公司", "unit"}, {"延长油田股份有限公司杏子川采油厂", "enterprise"},
		{"安塞区林业局", "unit"}, {"安塞区水务局", "unit"}, {"安塞区公安局城北派出所", "unit"},
		{"中国邮政集团有限公司延安市安塞区分公司", "enterprise"}, {"中国农业银行安塞支行", "enterprise"},
		// 各类学校14所
		{"安塞区高级中学", "school"}, {"安塞区第二中学", "school"}, {"安塞区第四中学", "school"},
		{"安塞区职业技术教育中心", "school"}, {"安塞区第一小学", "school"}, {"安塞区第三小学", "school"},
		{"安塞区城北小学", "school"}, {"安塞区实验小学", "school"}, {"安塞区特殊教育学校", "school"},
		{"安塞区第一幼儿园", "school"}, {"安塞区第三幼儿园", "school"}, {"城北阳光幼儿园", "school"},
		{"城北育才幼儿园", "school"}, {"安塞腰鼓艺术培训学校", "school"},
		// 医疗机构2处
		{"安塞区中医医院", "medical"}, {"城北社区卫生服务站", "medical"},
		{"延安宏盛物业服务有限公司", "property"}, {"安塞区城北物业管理有限公司", "property"},
		{"城北社区计划生育协会", "social"}, {"城北社区农民工工会", "social"}, {"城北社区残疾人协会", "social"},
		{"城北社区老年文化协会", "social"}, {"城北社区红袖章志愿者协会", "social"},
		{"安塞区城北农贸市场管理有限公司", "enterprise"}, {"安塞区自来水有限公司", "enterprise"},
		{"安塞区热力有限公司", "enterprise"}, {"安塞区公共交通有限公司", "enterprise"}, {"安塞宾馆", "enterprise"},
		{"城北便民超市", "shop"}, {"城北加油站", "enterprise"},
	}
	staff := []staffSpec{{"secretary", "党总支书记、居委会主任"}}
	for i := 0; i < 20; i++ {
		staff = append(staff, staffSpec{"community_staff", "社区工作者"})
	}
	return &presetSpec{name: "chengbei", city: "延安市", cityCode: "610600", region: shaanbei, districts: []districtSpec{{
		name: "安塞区", code: "610603", streets: []streetSpec{{name: "真武洞街道", code: "610603100000",
			communities: []communitySpec{{
				name: "城北社区", code: "610603100001", households: 7891, persons: 25369,
				floatingHouseholds: 3112, floatingPersons: 10180, collective: 6,
				groups: 5, grids: 19, centerHeads: 40, orgs: orgs, orgCount: len(orgs), staff: staff,
				lon: 109.325, lat: 36.872, areaKm2: 3.6, district: "安塞区",
				homeArea: "610603", oldHome: "610624", renamed: daysFromCivil(2016, 7, 1),
				roads: []string{"城北路", "北关街", "杏子川路", "建设路", "育才路"},
			}}}}}}}
}

// zinan is 临汾市侯马市路东街道紫南社区: 1,685 households and 5,216 persons,
// served by 5 staff (书记, 副主任, 计生员, 大学生村干部, 劳动保障员).
func zinan() *presetSpec {
	orgs := []orgSpec{
		{"侯马市紫南小学", "school"}, {"侯马市路东街道紫南幼儿园", "school"}, {"紫南社区卫生室", "medical"},
		{"中国建设银行侯马路东支行", "enterprise"}, {"侯马市紫南物业管理有限公司", "property"},
		{"紫南社区老年协会", "social"}, {"国网侯马市供电公司路东供电所", "unit"}, {"侯马市紫南农贸市场", "enterprise"},
		{"侯马市路东街道紫南便民超市", "shop"}, {"侯马市紫南汽车修理部", "shop"}, {"侯马市紫南家政服务有限公司", "enterprise"},
		{"紫南社区红白理事会", "social"},
	}
	return &presetSpec{name: "zinan", city: "临汾市", cityCode: "141000", region: jinnan, districts: []districtSpec{{
		name: "侯马市", code: "141081", streets: []streetSpec{{name: "路东街道", code: "141081001000",
			communities: []communitySpec{{
				name: "紫南社区", code: "141081001001", households: 1685, persons: 5216,
				floatingHouseholds: 310, floatingPersons: 905, collective: 1,
				grids: 4, centerHeads: 8, orgs: orgs, orgCount: len(orgs),
				staff: []staffSpec{{"secretary", "社区书记"}, {"community_staff", "副主任"}, {"community_staff", "计生员"},
					{"community_staff", "大学生村干部"}, {"community_staff", "劳动保障员"}},
				lon: 111.372, lat: 35.619, areaKm2: 1.1, district: "侯马市",
				homeArea: "141081", roads: []string{"紫金路", "浍滨街", "新田路", "路东大街"},
			}}}}}}}
}

// Real street names of 乌海's three districts; more streets than these get
// generic names.
var wuhaiStreets = map[string][]string{
	"150302": {"新华街道", "新华西街道", "海北街道", "凤凰岭街道", "卡布其街道", "滨河街道", "林荫街道", "千里山镇"},
	"150303": {"西卓子山街道", "拉僧庙镇", "巴音陶亥镇", "公乌素镇"},
	"150304": {"三道坎街道", "梁家沟街道", "五虎山街道", "苏海图街道", "新达街道", "巴音赛街道", "滨海街道", "乌兰淖尔镇"},
}

var spareStreets = strings.Fields("团结街道 胜利街道 光明街道 和平街道 建设街道 朝阳街道 幸福街道 东风街道 振兴街道 长青街道")

var communityStems = strings.Fields(`滨河 新华 人民 胜利 团结 光明 幸福 和平 建设 长青 康乐 文化 民主 友谊 振兴 朝阳
	育才 东风 西园 南苑 北苑 海达 金沙 银河 青山 凤凰 明珠 阳光 锦绣 福安 泰和 兴盛 恒昌 春晖 紫荆 丁香 玫瑰
	桃园 杏林 龙泉 沙湖 黄河 甘德尔 卡布其 巴音 千钢 苏海 神华 公园 商城 站前 矿区 电厂 化工 林荫 文体 北环
	东湖 西山 南郊 新村 工农 新风 怡和 华龙 世纪 安居 乐园 星光 翠苑 绿洲 金桥 永安 福利 兴隆 新建 前进
	红旗 铁路 煤城 三中 植物园 体育场 狮城 湖滨 书香 晨光 瑞丰 永兴 恒大 新时代 欧洲城 万达 河畔 青年 利民`)

// city is a 乌海-like city of about persons residents: communities of about
// 3,000 households (about persons/3.2 households in all), grids of about 400,
// streets of 6–10 communities, 20–40 % floating residents.
func city(r *rand.Rand, persons int) *presetSpec {
	households := max(1, int(math.Round(float64(persons)/3.2)))
	n := max(1, int(math.Round(float64(households)/3000)))
	// Shares of the city's communities per district, after their populations.
	type district struct {
		name, code string
		share      float64
		lon, lat   float64
	}
	ds := []district{{"海勃湾区", "150302", 0.55, 106.82, 39.67}, {"海南区", "150303", 0.2, 106.89, 39.44},
		{"乌达区", "150304", 0.25, 106.72, 39.50}}
	counts := make([]int, len(ds))
	left := n
	for i := range ds {
		counts[i] = int(math.Round(float64(n) * ds[i].share))
		if i == len(ds)-1 || counts[i] > left {
			counts[i] = left
		}
		left -= counts[i]
	}
	// Household and person totals per community vary by ±15 % around the mean
	// and add up exactly.
	weights := make([]float64, n)
	sum := 0.0
	for i := range weights {
		weights[i] = 0.85 + 0.3*r.Float64()
		sum += weights[i]
	}
	hh := apportion(households, weights, sum)
	pp := apportion(persons, weights, sum)
	spec := &presetSpec{name: "city", city: "乌海市", cityCode: "150300", region: wuhai}
	stems := 0
	c := 0
	for di, d := range ds {
		dist := districtSpec{name: d.name, code: d.code}
		names := append(append([]string(nil), wuhaiStreets[d.code]...), spareStreets...)
		side := int(math.Ceil(math.Sqrt(float64(max(1, counts[di])))))
		placed := 0
		streetNo, townNo := 0, 0
		for k := 0; k < counts[di]; {
			size := min(6+r.IntN(5), counts[di]-k)
			si := len(dist.streets)
			name := names[si%len(names)]
			if si >= len(names) {
				name = strings.TrimSuffix(name, "街道") + strconv.Itoa(si/len(names)+1) + "街道"
			}
			var code string
			if strings.HasSuffix(name, "镇") {
				townNo++
				code = d.code + threeDigits(100+townNo) + "000"
			} else {
				streetNo++
				code = d.code + threeDigits(streetNo) + "000"
			}
			st := streetSpec{name: name, code: code}
			for j := 0; j < size; j++ {
				ch, cp := hh[c], pp[c]
				floatShare := 0.2 + 0.2*r.Float64()
				fp := int(float64(cp) * floatShare)
				fh := int(math.Round(float64(fp) / (3.0 + 0.5*r.Float64())))
				fh = min(fh, ch-1)
				stem := communityStems[stems%len(communityStems)]
				if stems >= len(communityStems) {
					stem += chineseNumber(stems/len(communityStems) + 1)
				}
				stems++
				row, col := placed/side, placed%side
				placed++
				roads := make([]string, 4)
				for i := range roads {
					roads[i] = roadNames[(stems*3+i*7)%len(roadNames)]
				}
				st.communities = append(st.communities, communitySpec{
					name: stem + "社区", code: code[:9] + threeDigits(j+1), households: ch, persons: cp,
					floatingHouseholds: fh, floatingPersons: fp, collective: max(1, ch/1500),
					grids: max(1, int(math.Round(float64(ch)/400))), centerHeads: max(1, ch/200), buildingHeads: true,
					orgCount:         12 + r.IntN(8),
					staff:            cityStaff(r, ch),
					gridWorkersApart: true,
					lon:              d.lon + float64(col)*0.021, lat: d.lat - float64(row)*0.0105, areaKm2: 1.1 + 0.6*r.Float64(),
					district: d.name, homeArea: d.code, roads: roads,
				})
				c++
			}
			dist.streets = append(dist.streets, st)
			k += size
		}
		spec.districts = append(spec.districts, dist)
	}
	return spec
}

func cityStaff(r *rand.Rand, households int) []staffSpec {
	out := []staffSpec{{"secretary", "党委书记、居委会主任"}, {"community_staff", "副书记"}, {"community_staff", "副主任"}}
	for i := 0; i < 3+households/1000+r.IntN(3); i++ {
		out = append(out, staffSpec{"community_staff", "社区专职工作者"})
	}
	return out
}

// apportion splits total in proportion to weights (summing to sum), exactly.
func apportion(total int, weights []float64, sum float64) []int {
	out := make([]int, len(weights))
	acc, given := 0.0, 0
	for i, w := range weights {
		acc += w
		next := int(math.Round(float64(total) * acc / sum))
		out[i] = next - given
		given = next
	}
	return out
}

func threeDigits(n int) string {
	return string([]byte{byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

// chineseNumber writes 1–99 in characters (一, 十二, 二十).
func chineseNumber(n int) string {
	ds := []rune("零一二三四五六七八九")
	switch {
	case n < 10:
		return string(ds[n])
	case n < 20:
		s := "十"
		if n%10 != 0 {
			s += string(ds[n%10])
		}
		return s
	case n < 100:
		s := string(ds[n/10]) + "十"
		if n%10 != 0 {
			s += string(ds[n%10])
		}
		return s
	}
	return strconv.Itoa(n)
}
