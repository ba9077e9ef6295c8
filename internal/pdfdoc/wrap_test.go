package pdfdoc

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// fixedWidth measures every character as 1 mm wide and a Latin one as half.
func fixedWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x80 {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}

func TestWrapKeepsEveryCharacter(t *testing.T) {
	texts := []string{
		"您的申请尚缺以下 2 项材料。根据一次性告知制度,以下为需补齐的全部材料,补齐后即予受理(已收材料无需重复提交):",
		"查询进度:扫描右上角二维码,或在居民服务页面输入受理编号和手机号后四位。每个环节办理后将短信通知您。",
		"兹证明王秀兰(公民身份号码:610102198001011234)与张建国系夫妻关系。户号 0103-0042,住址城北社区幸福路12号3单元501室。",
		"社区受理(2个工作日) → 街道审核(5个工作日) → 区民政局审批(8个工作日)",
		"https://shequ.example/portal/track?no=SQ2611300042 and more words here",
	}
	for _, text := range texts {
		for w := 3.0; w <= 40; w += 0.5 {
			lines := wrap(text, w, fixedWidth)
			for i, l := range lines {
				if fixedWidth(trim(l)) > w+1e-9 && utf8.RuneCountInString(trim(l)) > 1 {
					t.Errorf("w=%v: line %q is %v mm wide", w, l, fixedWidth(l))
				}
				if i > 0 && strings.HasPrefix(l, " ") {
					t.Errorf("w=%v: line %q starts with a space", w, l)
				}
			}
			if got := strings.Join(lines, ""); got != text {
				t.Fatalf("w=%v: characters lost at the breaks\n got %s\nwant %s\nlines %q", w, got, text, lines)
			}
		}
	}
}

func TestWrapPunctuationStaysWithItsWord(t *testing.T) {
	// 10 characters per line: the full stop may not start the second line,
	// so 十 goes down with it; the opening bracket may not end a line.
	lines := wrap("一二三四五六七八九十\u3002后面", 10, fixedWidth)
	if len(lines) < 2 || lines[0] != "一二三四五六七八九" || !strings.HasPrefix(lines[1], "十\u3002") {
		t.Errorf("lines %q", lines)
	}
	lines = wrap("一二三四五六七八九\uff08括号\uff09", 10, fixedWidth)
	if lines[0] != "一二三四五六七八九" || lines[1] != "\uff08括号\uff09" {
		t.Errorf("lines %q", lines)
	}
	if lines := wrap("", 10, fixedWidth); len(lines) != 1 || lines[0] != "" {
		t.Errorf("empty text: %q", lines)
	}
	if lines := wrap("甲\n\n乙", 10, fixedWidth); strings.Join(lines, "|") != "甲||乙" {
		t.Errorf("line feeds: %q", lines)
	}
}
