package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shequ/internal/database"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if out, err := shequ(t, "demo", "--db", db, "--preset", "zinan"); err != nil {
		t.Fatalf("demo: %v %s", err, out)
	}
	d, err := database.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var name, number string
	if err := d.QueryRow(`SELECT name, id_number FROM persons ORDER BY id LIMIT 1`).Scan(&name, &number); err != nil {
		t.Fatal(err)
	}
	d.Close()
	csv := filepath.Join(dir, "名册.csv")
	os.WriteFile(csv, []byte("姓名,号码,电话\n"+name+","+number+",\n某某,123,\n"), 0o644)
	if _, err := shequ(t, "import", "--db", db, "--department", "police", csv); err == nil {
		t.Error("a list whose numbers are in an unknown column was taken")
	}
	out, err := shequ(t, "import", "--db", db, "--department", "police", "--mapping", "号码=id_number", csv)
	if err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	if !strings.Contains(out, "新增 0,合并 0,待核实 0,未导入 1,无变化 1(共 2 行)") {
		t.Errorf("import:\n%s", out)
	}
	if out, _ := shequ(t, "import", "--db", db, "--department", "police", "--mapping", "号码=id_number", csv); !strings.Contains(out, "未作任何更改") {
		t.Errorf("again:\n%s", out)
	}
	out, _ = shequ(t, "import", "list", "--db", db)
	if !strings.Contains(out, "名册.csv") {
		t.Errorf("list:\n%s", out)
	}
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	if out, _ := shequ(t, "import", "show", "--db", db, "--id", id); !strings.Contains(out, "号码→证件号码") {
		t.Errorf("show:\n%s", out)
	}
	rejects := filepath.Join(dir, "r.xlsx")
	if out, err := shequ(t, "import", "rejects", "--db", db, "--id", id, "--out", rejects); err != nil || !strings.Contains(out, "1 行") {
		t.Errorf("rejects: %v %s", err, out)
	}
	if st, err := os.Stat(rejects); err != nil || st.Size() == 0 {
		t.Errorf("rejects file: %v", err)
	}
}
