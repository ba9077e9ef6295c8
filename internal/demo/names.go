package demo

import (
	"math/rand/v2"
	"strings"
)

// surnameWeights are the commonest Chinese surnames with their share of the
// population in units of 0.01 % (王 about 7.1 %, 李 7.0 % …, after the
// Ministry of Public Security's 2020 household-register figures, rounded), so
// a demo community has as many 王 and 李 as a real one.
const surnameWeights = `王710 李700 张680 刘540 陈460 杨320 赵220 黄220 周190 吴190 徐150 孙150 胡130 朱130
高130 林120 何120 郭120 马110 罗90 梁90 宋80 郑80 谢70 韩70 唐70 冯70 于60 董60 肖60 程60 曹60 袁50 邓50
许50 傅50 沈50 曾50 彭50 吕50 苏50 卢50 蒋50 蔡50 贾40 丁40 魏40 薛40 叶40 闫40 余40 潘40 杜40 戴30 夏30
钟30 汪30 田30 任30 姜30 范30 方30 石30 姚30 谭30 廖30 邹30 熊30 金30 陆30 郝30 孔20 白20 崔20 康20 毛20
邱20 秦20 江20 史20 顾20 侯20 邵20 孟20 龙20 万20 段20 雷20 钱20 汤20 尹20 黎20 易20 常20 武20 乔20 贺20
赖20 龚20 文20 霍10 樊10 兰10 殷10 施10 陶10 洪10 翟10 安10 颜10 倪10 严10 牛10 温10 芦10 季10 俞10 章10
鲁10 葛10 伍10 韦10 申10 尤10 毕10 聂10 丛10 焦10 向10 柳10 邢10 路10 岳10 齐10 梅5 莫5 庄5 辛5 管5
祝5 左5 涂5 谷5 祁5 时5 舒5 耿5 牟5 卜5 詹5 关5 苗5 凌5 费5 纪5 靳5 盛5 童5 欧阳5 甄5 项5 曲5 成5 游5`

// Regional surnames weigh more where the presets are: 陕北 (拓, 呼, 惠 …),
// 晋南 (卫, 柴, 畅 …) and 乌海's migrants from 宁夏, 甘肃 and 河北.
var regionalSurnames = map[string]string{
	"shaanbei": `高200 贺120 白120 郝100 薛80 曹80 拓60 呼50 惠60 冯60 霍50 刘150 张100 王100 李80 杨60 折10 艾20`,
	"jinnan":   `王150 张100 李80 郭80 武60 赵60 梁60 卫50 段50 贾60 申40 柴40 畅20 吉20 史40 范30 闫40 杨40`,
	"wuhai":    `王80 张60 李60 刘50 马60 杨40 赵40 郭30 孙30 高30 田20 韩20 苏20 白20 乔20 杜20 魏20 侯10`,
}

type surnameTable struct {
	names []string
	cum   []uint32
}

func newSurnameTable(region string) *surnameTable {
	weights := map[string]int{}
	var order []string
	parse := func(s string) {
		for _, f := range strings.Fields(s) {
			i := 0
			for i < len(f) && (f[i] < '0' || f[i] > '9') {
				i++
			}
			n := 0
			for _, c := range f[i:] {
				n = n*10 + int(c-'0')
			}
			name := f[:i]
			if _, ok := weights[name]; !ok {
				order = append(order, name)
			}
			weights[name] += n
		}
	}
	parse(surnameWeights)
	parse(regionalSurnames[region])
	t := &surnameTable{}
	total := uint32(0)
	for _, n := range order {
		total += uint32(weights[n])
		t.names = append(t.names, n)
		t.cum = append(t.cum, total)
	}
	return t
}

func (t *surnameTable) pick(r *rand.Rand) string {
	x := r.Uint32N(t.cum[len(t.cum)-1])
	lo, hi := 0, len(t.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if t.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return t.names[lo]
}

// givenPool holds the given names of one generation and sex: common
// two-character names, single characters (used alone or combined).
type givenPool struct {
	doubles []string
	chars   []string
	single  int // percent of one-character names
}

func pool(doubles, chars string, single int) givenPool {
	p := givenPool{doubles: strings.Fields(doubles), single: single}
	for _, c := range chars {
		p.chars = append(p.chars, string(c))
	}
	return p
}

// Given names differ by generation: 建国 and 秀兰 before 1960, 伟 and 丽 in
// the sixties and seventies, 磊 and 婷婷 around 1990, 子轩 and 梓萱 since 2000.
var givenPools = [4][2]givenPool{
	{ // born before 1960: female, male
		pool("秀兰 桂英 秀英 玉兰 凤英 淑珍 玉珍 秀珍 桂兰 素芬 翠花 金凤 玉梅 秀芳 桂芳 兰英 凤兰 淑兰 彩霞 春花 玉英 秀云 桂珍 月英 爱莲",
			"秀兰英华芳玉珍桂凤霞琴梅淑红翠云萍莲香菊巧爱春娥", 10),
		pool("建国 建华 国强 志明 永福 德明 海林 文华 国庆 建军 振华 玉林 福生 长林 宝山 金山 成林 志刚 卫国 建设 援朝 跃进 胜利 继红 有才",
			"建国华明军平志刚永福德海林文荣贵宝生成忠义胜利光辉洪兴全富贤良山学祥顺", 15),
	},
	{ // 1960–1979
		pool("丽华 红霞 艳芳 秀梅 丽娟 春燕 海燕 晓红 玉霞 建红 卫红 爱萍 丽萍 彩霞 小红 美玲 凤琴 淑芳 红梅 雪梅 桂香 晓燕 丽君 慧敏 亚琴",
			"丽艳敏燕红霞芳娟玲静萍梅英华琴春兰莉凤秀云洁慧玉晓", 25),
		pool("卫东 建平 红军 文革 志勇 海军 建伟 新民 振国 小平 国栋 建新 卫平 海涛 永刚 志强 晓东 建军 立新 宏伟 庆华 向东 东升 利民 保国",
			"伟强军勇杰涛斌超鹏辉波飞亮刚峰龙海东明华文宏志卫红建平新民振", 25),
	},
	{ // 1980–1999
		pool("丽娜 婷婷 雪梅 晓燕 静怡 佳琪 丹丹 晶晶 欢欢 倩倩 思雨 雅婷 梦瑶 文静 玉洁 亚楠 蕾蕾 欣然 晓丽 美琳 瑶瑶 海燕 佳慧 一帆 月明",
			"娜静丽婷娟雪倩颖洁琳丹晶璐蕾瑶佳楠悦慧莹欢萌薇月雯", 30),
		pool("志强 俊杰 海涛 晓东 文博 鹏飞 家豪 振华 建伟 浩然 宇航 子健 晓明 永强 天宇 伟杰 博文 志伟 建华 一鸣 鑫磊 凯文 少华 亚军 德龙",
			"伟磊涛鹏浩杰超强鑫亮宇帆博斌俊凯健晨辉明阳飞龙波坤", 35),
	},
	{ // 2000 and later
		pool("子涵 欣怡 梓萱 诗涵 雨桐 可馨 语嫣 思彤 佳怡 若汐 梦琪 雅琪 一诺 紫涵 芷若 诗雨 欣妍 梓涵 依诺 沐晴 语桐 安琪 心怡 艺涵 梓琪",
			"涵怡萱雨桐馨嫣彤琪汐诺晴妍悦溪芷伊萌瑶婉", 8),
		pool("子轩 浩宇 梓豪 宇航 皓轩 俊熙 一诺 睿泽 博文 明昊 奕辰 浩然 子墨 宇轩 思远 梓睿 嘉懿 铭泽 锦程 俊宇 天佑 沐阳 晨阳 宇泽 子豪",
			"轩浩宇豪皓俊熙睿泽博昊辰然墨铭锦程航逸凯", 8),
	},
}

func generation(birthYear int) int {
	switch {
	case birthYear < 1960:
		return 0
	case birthYear < 1980:
		return 1
	case birthYear < 2000:
		return 2
	}
	return 3
}

func givenName(r *rand.Rand, birthYear int, male bool) string {
	sex := 0
	if male {
		sex = 1
	}
	p := &givenPools[generation(birthYear)][sex]
	x := r.IntN(100)
	switch {
	case x < p.single:
		return p.chars[r.IntN(len(p.chars))]
	case x < p.single+(100-p.single)*6/10:
		return p.doubles[r.IntN(len(p.doubles))]
	default:
		a, b := p.chars[r.IntN(len(p.chars))], p.chars[r.IntN(len(p.chars))]
		if a == b && r.IntN(4) != 0 {
			b = p.chars[r.IntN(len(p.chars))]
		}
		return a + b
	}
}

// Mongolian names, written in characters as a whole (乌海's 蒙古族 often
// carry no Han surname).
var (
	mongolianMale   = strings.Fields("巴特尔 额尔敦 朝鲁 宝音 阿拉坦 那仁 苏和 毕力格 巴图 孟和 格日勒图 达来 乌力吉 特木尔 满都拉")
	mongolianFemale = strings.Fields("其木格 乌云 斯琴 萨仁 图雅 高娃 苏日娜 其其格 乌兰 塔娜 娜仁花 格日乐 敖登 琪琪格 托娅")
)

// Road names for addresses; a community uses a few of them.
var roadNames = strings.Fields(`城北路 建设路 文化路 中心街 北关街 新华路 人民路 解放路 胜利街 育才路 迎宾大道 滨河路
	长青路 幸福街 团结路 和平街 光明路 学府路 朝阳路 东风街 兴盛路 振兴街 康乐路 站前路 黄河大街 海北大街
	新兴街 金沙路 青年路 体育路 鹏程路 顺和街 安康路 福祥街 泰和路 锦绣路 春晖街 永安路 民主路 友谊路`)

// Lane names for bungalow courtyards (平房院落).
var laneNames = strings.Fields(`北关巷 后街巷 杏子沟巷 枣园巷 柳树巷 马家巷 南坡巷 石桥巷 槐树巷 窑洞巷 东沟巷 西沟巷 老街巷 河畔巷`)

// Village stems for the 户籍 addresses of people from elsewhere.
var villageSuffix = strings.Fields("家沟村 家庄村 家湾村 家坪村 家塬村 家岔村 家营村 家堡村")
var townNames = strings.Fields("城关镇 东关街道 西关街道 新城镇 高桥镇 河口镇 石门镇 杨家镇 李家镇 三岔镇 南关街道 龙泉镇")
