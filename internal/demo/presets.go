package demo

// communitySpec is what a preset says about one community; the generator
// fills in the rest with plausible data.
type communitySpec struct {
	name, code          string
	households, persons int
	floatingHouseholds  int
	floatingPersons     int
	groups              int // 居民小组 (0: grids hang on the community)
	grids               int
	centerHeads         int
	organisations       []string // named ones first; the rest generated
	organisationCount   int
	staff               []staffSpec
	lon, lat            float64 // centre, for grid boundaries
	areaKm2             float64
	homeArea, oldHome   string   // area code of registered residents (and before a renaming)
	renamedIn           int      // year the home area code changed
	migrantProvinces    []string // where floating residents come from
	address             string   // street address stem
}

type staffSpec struct {
	role, title string
}

type districtSpec struct {
	name, code string
	streets    []streetSpec
}

type streetSpec struct {
	name, code  string
	communities []communitySpec
}

type presetSpec struct {
	city, cityCode string
	districts      []districtSpec
}

// chengbei reproduces 延安市安塞区城北社区 as its report describes it: 7,891
// households and 25,369 persons, 3,112 floating households with 10,180
// persons, 5 resident groups, 19 grids of about 400 households, 40 中心户长,
// 38 units and 21 staff on 3.6 km².
func chengbei() presetSpec {
	orgs := []string{"安塞区畜牧局", "国网安塞区供电公司", "长庆油田杏子川采油厂", "安塞区人民医院", "城北社区卫生服务站",
		"安塞区第一中学", "安塞区第二中学", "城北小学", "新区小学", "安塞区职业中学", "城北幼儿园", "育才幼儿园",
		"阳光幼儿园", "实验小学", "安塞区第三小学", "安塞区特殊教育学校", "思源学校", "安塞区体育运动学校", "星星幼儿园",
		"金苹果幼儿园", "安塞区农业银行城北支行", "安塞区邮政局", "安塞区林业局", "安塞区水务局", "城北派出所",
		"安塞区市场监管所", "安塞区消防救援大队", "城北农贸市场", "延安宏达物业服务有限公司", "安塞绿城物业管理有限公司",
		"城北社区计生协会", "城北社区农民工工会", "城北社区残疾人协会", "红袖章志愿者协会", "城北老年文化协会",
		"安塞区腰鼓艺术团", "城北便民超市", "安塞区自来水公司"}
	staff := []staffSpec{{"secretary", "党总支书记、主任"}}
	for i := 0; i < 20; i++ {
		staff = append(staff, staffSpec{"community_staff", "社区工作者"})
	}
	return presetSpec{city: "延安市", cityCode: "610600", districts: []districtSpec{{
		name: "安塞区", code: "610603", streets: []streetSpec{{name: "真武洞街道", code: "610603100000",
			communities: []communitySpec{{
				name: "城北社区", code: "610603100001", households: 7891, persons: 25369,
				floatingHouseholds: 3112, floatingPersons: 10180, groups: 5, grids: 19, centerHeads: 40,
				organisations: orgs, organisationCount: 38, staff: staff, lon: 109.325, lat: 36.872, areaKm2: 3.6,
				homeArea: "610603", oldHome: "610624", renamedIn: 2016,
				migrantProvinces: []string{"61", "61", "61", "62", "64", "14", "15", "41"},
				address:          "安塞区城北",
			}}}}}}}
}

// zinan reproduces 侯马市路东街道紫南社区: 1,685 households, 5,216 persons and
// 5 staff (书记, 副主任, 计生员, 大学生村干部, 劳动保障员).
func zinan() presetSpec {
	return presetSpec{city: "临汾市", cityCode: "141000", districts: []districtSpec{{
		name: "侯马市", code: "141081", streets: []streetSpec{{name: "路东街道", code: "141081001000",
			communities: []communitySpec{{
				name: "紫南社区", code: "141081001001", households: 1685, persons: 5216,
				floatingHouseholds: 320, floatingPersons: 930, grids: 4, centerHeads: 8,
				organisations: []string{"侯马市路东街道紫南社区卫生室", "侯马市紫南小学", "紫南幼儿园", "侯马市建设银行路东支行",
					"侯马市紫南物业管理有限公司", "紫南社区老年协会", "侯马市路东供电所", "紫南农贸市场"},
				organisationCount: 12,
				staff: []staffSpec{{"secretary", "社区书记"}, {"community_staff", "副主任"}, {"community_staff", "计生员"},
					{"community_staff", "大学生村干部"}, {"community_staff", "劳动保障员"}},
				lon: 111.372, lat: 35.619, areaKm2: 1.2, homeArea: "141081",
				migrantProvinces: []string{"14", "14", "14", "61", "41", "13"},
				address:          "侯马市紫南",
			}}}}}}}
}

// city is a 乌海-like city of about persons residents: communities of about
// 3,000 households, grids of about 400, streets of eight communities spread
// over the three districts.
func city(persons int) presetSpec {
	households := max(1, persons*10/32)
	communities := max(1, (households+1500)/3000)
	districts := []districtSpec{{name: "海勃湾区", code: "150302"}, {name: "海南区", code: "150303"}, {name: "乌达区", code: "150304"}}
	centres := [][2]float64{{106.82, 39.67}, {106.89, 39.44}, {106.72, 39.50}}
	streetNames := []rune("新华千里山滨河凤凰岭林荫海北卡布其巴音赛汗公乌素拉僧庙苏海图三道坎梁家沟五虎山")
	perStreet := 8
	remainingP, remainingH := persons, households
	for c := 0; c < communities; c++ {
		d := c % len(districts)
		dist := &districts[d]
		s := len(dist.streets)
		if s == 0 || len(dist.streets[s-1].communities) >= perStreet {
			n := len(dist.streets) + 1
			i := (c*2 + d) % (len(streetNames) - 1)
			dist.streets = append(dist.streets, streetSpec{
				name: string(streetNames[i:i+2]) + "街道",
				code: dist.code + threeDigits(n) + "000",
			})
			s = len(dist.streets)
		}
		st := &dist.streets[s-1]
		h := remainingH / (communities - c)
		p := remainingP / (communities - c)
		remainingH -= h
		remainingP -= p
		k := len(st.communities) + 1
		i := c % (len(communityNames) - 1)
		fh := h * 3 / 10
		st.communities = append(st.communities, communitySpec{
			name: string(communityNames[i:i+2]) + threeDigitsChinese(c/(len(communityNames)-1)) + "社区",
			code: st.code[:9] + threeDigits(k), households: h, persons: p,
			floatingHouseholds: fh, floatingPersons: min(p*3/10, fh*4), grids: max(1, (h+200)/400),
			centerHeads: max(1, h/200), organisationCount: 15,
			staff: []staffSpec{{"secretary", "社区书记"}, {"community_staff", "副主任"}, {"community_staff", "社区工作者"},
				{"community_staff", "社区工作者"}, {"community_staff", "社区工作者"}, {"community_staff", "社区工作者"}},
			lon: centres[d][0] + float64(k%8)*0.012, lat: centres[d][1] + float64(s%10)*0.01, areaKm2: 1.5,
			homeArea: dist.code, migrantProvinces: []string{"15", "15", "64", "62", "61", "14", "13", "41"},
			address: "乌海市" + dist.name,
		})
	}
	return presetSpec{city: "乌海市", cityCode: "150300", districts: districts}
}

func threeDigits(n int) string {
	return string([]byte{byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

// threeDigitsChinese tells apart communities that reuse a name: 滨河, 滨河二 …
func threeDigitsChinese(n int) string {
	if n == 0 {
		return ""
	}
	return string([]rune("一二三四五六七八九十")[min(n, 9)])
}
