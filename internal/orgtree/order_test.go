package orgtree

import "testing"

func TestNaturalLess(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		less bool
	}{{"第2网格", "第10网格", true}, {"第10网格", "第2网格", false}, {"1-201", "1-1001", true}, {"a", "b", true}, {"第1网格", "第1网格", false}, {"1号楼", "1号院", true},
		{"第二居民小组", "第十居民小组", true}, {"第三居民小组", "第二居民小组", false}, {"第九网格", "第十网格", true},
		{"第十二网格", "第二十网格", true}, {"第一百零五", "第九十九", false}} {
		if got := NaturalLess(tt.a, tt.b); got != tt.less {
			t.Errorf("NaturalLess(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
}
