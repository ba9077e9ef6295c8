package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"shequ/internal/accounts"
	"shequ/internal/database"
)

func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: shequ user add|list|set-password …")
	}
	sub, args := args[0], args[1:]
	fs, dsn := newFlags("user "+sub, stderr)
	name := fs.String("name", "", "用户名")
	password := fs.String("password", "", "密码(至少10位,含字母和数字)")
	role := fs.String("role", "", "角色: admin, street_operator, community_staff, grid_worker")
	org := fs.String("org", "", "所属组织单元:id、名称或区划代码(非管理员必填)")
	display := fs.String("display-name", "", "显示名")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	acc := accounts.NewStore(db)
	switch sub {
	case "add":
		if *name == "" || *password == "" || *role == "" {
			return fmt.Errorf("需要 --name、--role 和 --password")
		}
		u := &accounts.User{Name: *name, DisplayName: *display, Role: *role}
		if *org != "" {
			id, err := findUnit(ctx, db, *org)
			if err != nil {
				return err
			}
			u.OrgID = id
		}
		if err := acc.AddUser(ctx, u, *password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已创建用户 %s(%s)\n", u.Name, accounts.RoleNames[u.Role])
		return nil
	case "list":
		us, err := acc.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "用户名\t显示名\t角色\t所属单元\t停用")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%v\n", u.Name, u.DisplayName, u.Role, u.OrgID, u.Disabled)
		}
		return tw.Flush()
	case "set-password":
		if *name == "" || *password == "" {
			return fmt.Errorf("需要 --name 和 --password")
		}
		if err := acc.SetPassword(ctx, *name, *password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已修改 %s 的密码,其现有会话均已退出\n", *name)
		return nil
	default:
		return fmt.Errorf("未知子命令 user %s", sub)
	}
}

// findUnit resolves an org unit given by id, administrative code or exact name.
func findUnit(ctx context.Context, db *database.DB, ref string) (int64, error) {
	var ids []int64
	n, _ := strconv.ParseInt(ref, 10, 64)
	rows, err := db.QueryContext(ctx, `SELECT id FROM org_units WHERE id = $1 OR code = $2 OR name = $2 LIMIT 2`, n, ref)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	switch len(ids) {
	case 0:
		return 0, fmt.Errorf("找不到组织单元 %q", ref)
	case 1:
		return ids[0], nil
	default:
		return 0, fmt.Errorf("组织单元 %q 不唯一,请用 id", ref)
	}
}
