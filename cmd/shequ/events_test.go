package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCalendarAndEventsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	out, err := shequ(t, "calendar", "show", "--db", db, "--year", "2027")
	if err != nil || !strings.Contains(out, "2027-02-05,休,春节,暂定") || !strings.Contains(out, "(暂定)") {
		t.Fatalf("calendar show: %v\n%s", err, out)
	}
	official := filepath.Join(dir, "2027.csv")
	os.WriteFile(official, []byte("日期,类型,名称\n2027-02-05,休,春节\n2027-02-20,班,春节调休上班\n"), 0o644)
	if out, err := shequ(t, "calendar", "import", "--db", db, "--file", official, "--source", "国务院办公厅通知"); err != nil || !strings.Contains(out, "2027") {
		t.Fatalf("import: %v %s", err, out)
	}
	out, _ = shequ(t, "calendar", "show", "--db", db, "--year", "2027")
	if strings.Contains(out, "(暂定)") || strings.Contains(out, "春节,暂定") || !strings.Contains(out, "2027-02-20,班,春节调休上班") {
		t.Errorf("after import:\n%s", out)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("2027-02-30,休,春节\n"), 0o644)
	if _, err := shequ(t, "calendar", "import", "--db", db, "--file", bad, "--source", "x"); err == nil || !strings.Contains(err.Error(), "第 1 行") {
		t.Errorf("bad file: %v", err)
	}
	if _, err := shequ(t, "calendar", "set-hours", "--db", db, "--hours", "09:00-12:00,13:00-18:00"); err != nil {
		t.Error(err)
	}
	if out, _ := shequ(t, "calendar", "show", "--db", db); !strings.Contains(out, "09:00–12:00、13:00–18:00") {
		t.Errorf("hours: %s", out)
	}
	if _, err := shequ(t, "calendar", "set-hours", "--db", db, "--hours", "18:00-09:00"); err == nil {
		t.Error("backwards hours accepted")
	}
	if out, err := shequ(t, "events", "categories", "--db", db); err != nil || !strings.Contains(out, "dispute.neighbour") {
		t.Errorf("categories: %v %s", err, out)
	}
	if out, err := shequ(t, "events", "scan", "--db", db); err != nil || !strings.Contains(out, "0 条") {
		t.Errorf("scan: %v %s", err, out)
	}
	if out, err := shequ(t, "events", "outbox", "--db", db, "--send"); err != nil || !strings.Contains(out, "待发 0") {
		t.Errorf("outbox: %v %s", err, out)
	}
}
