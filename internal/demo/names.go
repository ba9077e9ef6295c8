package demo

import "math/rand/v2"

// surnames are the commonest Chinese surnames with weights roughly
// proportional to their share of the population (per mille), so that a demo
// community has as many 王 and 李 as a real one.
var surnames = []struct {
	name   string
	weight int
}{
	{"王", 72}, {"李", 71}, {"张", 68}, {"刘", 53}, {"陈", 46}, {"杨", 32}, {"黄", 23}, {"赵", 22}, {"吴", 20},
	{"周", 19}, {"徐", 14}, {"孙", 13}, {"马", 13}, {"朱", 12}, {"胡", 11}, {"郭", 11}, {"何", 10}, {"高", 10},
	{"林", 10}, {"罗", 9}, {"郑", 9}, {"梁", 8}, {"谢", 7}, {"宋", 7}, {"唐", 6}, {"许", 6}, {"韩", 6}, {"冯", 6},
	{"邓", 6}, {"曹", 5}, {"彭", 5}, {"曾", 5}, {"肖", 5}, {"田", 5}, {"董", 5}, {"袁", 4}, {"潘", 4}, {"于", 4},
	{"蒋", 4}, {"蔡", 4}, {"余", 4}, {"杜", 4}, {"叶", 4}, {"程", 4}, {"苏", 3}, {"魏", 3}, {"吕", 3}, {"丁", 3},
	{"任", 3}, {"沈", 3}, {"姚", 3}, {"卢", 3}, {"姜", 3}, {"崔", 3}, {"钟", 3}, {"谭", 3}, {"陆", 3}, {"汪", 3},
	{"范", 3}, {"金", 2}, {"石", 2}, {"廖", 2}, {"贾", 2}, {"夏", 2}, {"韦", 2}, {"付", 2}, {"方", 2}, {"白", 2},
	{"邹", 2}, {"孟", 2}, {"熊", 2}, {"秦", 2}, {"邱", 2}, {"江", 2}, {"尹", 2}, {"薛", 2}, {"闫", 2}, {"段", 2},
	{"雷", 2}, {"侯", 2}, {"龙", 2}, {"史", 2}, {"陶", 1}, {"黎", 1}, {"贺", 1}, {"顾", 1}, {"毛", 1}, {"郝", 1},
	{"龚", 1}, {"邵", 1}, {"万", 1}, {"钱", 1}, {"严", 1}, {"覃", 1}, {"武", 1}, {"戴", 1}, {"莫", 1}, {"孔", 1},
	{"向", 1}, {"汤", 1}, {"拓", 1}, {"呼", 1}, {"高", 1}, {"欧阳", 1},
}

var surnameTotal = func() int {
	t := 0
	for _, s := range surnames {
		t += s.weight
	}
	return t
}()

// Given-name characters differ by generation: older people's names lean on
// 建, 国, 秀, 兰; younger ones' on 子, 涵, 轩, 欣.
var (
	oldMale     = []rune("建国华明军伟平强志刚永福德海林文荣贵宝生成")
	oldFemale   = []rune("秀兰英华芳玉珍桂凤霞琴梅淑红翠云萍丽敏")
	midMale     = []rune("伟强磊军勇杰涛斌超鹏辉波飞鑫亮刚峰龙浩宇")
	midFemale   = []rune("娜静丽艳敏燕婷娟霞芳颖洁琳雪慧倩晶莉楠")
	youngMale   = []rune("子轩浩宇博文俊熙睿泽宇航一诺皓晨梓豪明昊奕辰")
	youngFemale = []rune("子涵欣怡梓萱诗雨可馨雨桐一诺语嫣思彤佳怡若汐")
)

func pickSurname(r *rand.Rand) string {
	n := r.IntN(surnameTotal)
	for _, s := range surnames {
		n -= s.weight
		if n < 0 {
			return s.name
		}
	}
	return "王"
}

func givenName(r *rand.Rand, birthYear int, male bool) string {
	var pool []rune
	switch {
	case birthYear < 1965 && male:
		pool = oldMale
	case birthYear < 1965:
		pool = oldFemale
	case birthYear < 1995 && male:
		pool = midMale
	case birthYear < 1995:
		pool = midFemale
	case male:
		pool = youngMale
	default:
		pool = youngFemale
	}
	if r.IntN(100) < 35 {
		return string(pool[r.IntN(len(pool))])
	}
	return string([]rune{pool[r.IntN(len(pool))], pool[r.IntN(len(pool))]})
}

// communityNames names the generated communities of the city preset.
var communityNames = []rune("滨河新华人民胜利海达团结光明幸福和平建设长青康乐文化民主友谊振兴朝阳新村育才东风西园南苑北苑")
