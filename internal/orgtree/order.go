package orgtree

import (
	"slices"
	"unicode"
)

// NaturalLess orders names the way people count: 第2网格 before 第10网格,
// 1-201 before 1-1001, 第二居民小组 before 第十居民小组. Runs of digits and
// runs of Chinese numerals compare by their value.
func NaturalLess(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	i, j := 0, 0
	for i < len(ra) && j < len(rb) {
		na, ei, oka := numberAt(ra, i)
		nb, ej, okb := numberAt(rb, j)
		if oka && okb {
			if na != nb {
				return na < nb
			}
			i, j = ei, ej
			continue
		}
		if ra[i] != rb[j] {
			return ra[i] < rb[j]
		}
		i++
		j++
	}
	return len(ra)-i < len(rb)-j
}

var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// numberAt reads the number starting at r[i] — Arabic digits, or a Chinese
// numeral up to the hundreds (十二, 二十三, 一百零五) — and where it ends.
func numberAt(r []rune, i int) (n int, end int, ok bool) {
	if unicode.IsDigit(r[i]) {
		for end = i; end < len(r) && unicode.IsDigit(r[end]) && n < 1e15; end++ {
			n = n*10 + int(r[end]-'0')
		}
		return n, end, true
	}
	total, digit, seen := 0, 0, false
	for end = i; end < len(r); end++ {
		c := r[end]
		if d, isDigit := chineseDigits[c]; isDigit {
			digit, seen = d, true
			continue
		}
		switch c {
		case '十':
			if !seen {
				digit = 1 // 十二 is twelve
			}
			total += digit * 10
		case '百':
			total += digit * 100
		default:
			return total + digit, end, end > i
		}
		digit, seen = 0, true
	}
	return total + digit, end, end > i
}

// Sort orders units by their sort key, then naturally by name.
func Sort(us []Unit) {
	slices.SortStableFunc(us, func(a, b Unit) int {
		switch {
		case a.Sort != b.Sort:
			return a.Sort - b.Sort
		case NaturalLess(a.Name, b.Name):
			return -1
		case NaturalLess(b.Name, a.Name):
			return 1
		}
		return 0
	})
}
