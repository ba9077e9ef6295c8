package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"shequ/internal/access"
	"shequ/internal/accounts"
)

// userImportCmd makes the accounts of a list (shequ user import). The
// passwords it chose are printed once, here, and kept nowhere else.
func userImportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("user import", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("用法: shequ user import --db D 文件(xlsx/csv,列:账号、姓名、角色、授权范围、备注、初始密码)")
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
	f, err := access.ReadAccountFile(file, st.Size(), filepath.Base(path))
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := access.NewService(db).ImportAccounts(ctx, accounts.NewStore(db), f, "命令行")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "新建账号 %d 个,已存在未改动 %d 个;新账号首次登录须修改密码\n", len(res.Created), len(res.Existed))
	chosen := 0
	for _, a := range res.Created {
		if a.Password != "" {
			chosen++
		}
	}
	if chosen == 0 {
		return nil
	}
	fmt.Fprintln(stdout, "以下初始密码只显示这一次,请转交本人:")
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "账号\t角色\t初始密码")
	for _, a := range res.Created {
		if a.Password != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, a.Role, a.Password)
		}
	}
	return tw.Flush()
}
