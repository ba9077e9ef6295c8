package register

import (
	"strings"
	"testing"
	"time"
)

// A conflict names the time of each change as people read clocks, not as
// the database stores it (UTC).
func TestConflictMessageTime(t *testing.T) {
	e := &ConflictError{Since: []Change{{Actor: "张三", At: time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)}}}
	if msg := e.Error(); !strings.Contains(msg, "张三 于 2026-12-01 00:30 修改了") {
		t.Errorf("message %s", msg)
	}
	utc := func(t time.Time) string { return t.UTC().Format("15:04") }
	if msg := e.Text(utc); !strings.Contains(msg, "于 16:30 修改了") {
		t.Errorf("message %s", msg)
	}
}
