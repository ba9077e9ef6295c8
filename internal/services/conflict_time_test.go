package services

import (
	"strings"
	"testing"
	"time"
)

// A conflict names the time of the other change as people read clocks, not
// as the database stores it (UTC).
func TestConflictMessageTime(t *testing.T) {
	e := &ConflictError{What: "办件", By: "张三", At: "2026-11-30 16:30:00.000000"}
	if msg := e.Error(); !strings.Contains(msg, "于 2026-12-01 00:30 处理") {
		t.Errorf("message %s", msg)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	if msg := e.Text(func(t time.Time) string { return t.In(newYork).Format("2006-01-02 15:04") }); !strings.Contains(msg, "于 2026-11-30 11:30 处理") {
		t.Errorf("message %s", msg)
	}
}
