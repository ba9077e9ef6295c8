package register

import (
	"reflect"
	"testing"
)

func TestSearchTokens(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"张三"}, []string{"张", "张三", "三"}},
		{[]string{"13812345678"}, []string{"1381", "3812", "8123", "1234", "2345", "3456", "4567", "5678"}},
		{[]string{"3号楼"}, []string{"3", "号", "号楼", "楼"}},
		{[]string{"ＡＢ"}, []string{"a", "ab", "b"}},
		{[]string{"11010519491231002X"}, nil}, // checked below
	}
	for _, tt := range tests[:4] {
		if got := searchTokens(tt.in...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("searchTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	got := searchTokens("11010519491231002X")
	if got[len(got)-1] != "002x" {
		t.Errorf("ID number's check letter should end the last gram, got %q", got)
	}
}

func TestQueryTokens(t *testing.T) {
	tests := []struct {
		in        string
		want      []string
		wantShort bool
	}{
		{"张三", []string{"张三"}, false},
		{"张", []string{"张"}, false},
		{"欧阳娜娜", []string{"欧阳", "阳娜", "娜娜"}, false},
		{"5678", []string{"5678"}, false},
		{"123456", []string{"1234", "2345", "3456"}, false},
		{"12", nil, true},
		{"1002x", []string{"1002", "002x"}, false},
	}
	for _, tt := range tests {
		got, short := queryTokens(tt.in)
		if !reflect.DeepEqual(got, tt.want) || short != tt.wantShort {
			t.Errorf("queryTokens(%q) = %q,%v want %q,%v", tt.in, got, short, tt.want, tt.wantShort)
		}
	}
}
