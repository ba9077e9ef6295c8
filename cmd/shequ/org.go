package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"shequ/internal/orgtree"
)

const orgUsage = `用法:
  shequ org import [--db D] 文件     从 xlsx/csv(列:层级、名称、上级、代码、边界)或 GeoJSON 导入组织架构
`

func orgCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, orgUsage)
		return fmt.Errorf("用法: shequ org import --db D 文件")
	}
	fs, dsn := newFlags("org import", stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, orgUsage)
		return fmt.Errorf("需要一个文件")
	}
	path := fs.Arg(0)
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return err
	}
	f, err := orgtree.ReadImportFile(file, st.Size(), filepath.Base(path))
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := orgtree.NewStore(db).Import(ctx, orgtree.Actor{Name: "命令行", Source: "import:org"}, f)
	if err != nil {
		return err
	}
	if res.Created == 0 && res.Updated == 0 {
		fmt.Fprintf(stdout, "组织架构与文件一致,未作任何更改(共 %d 行)\n", res.Rows)
		return nil
	}
	fmt.Fprintf(stdout, "新建 %d,更新 %d,无变化 %d(共 %d 行)\n", res.Created, res.Updated, res.Unchanged, res.Rows)
	return nil
}
