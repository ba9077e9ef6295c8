package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/database"
)

func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: shequ user add|import|list|grant|revoke|set-password|disable|enable …")
	}
	sub, args := args[0], args[1:]
	if sub == "import" {
		return userImportCmd(ctx, args, stdout, stderr)
	}
	fs, dsn := newFlags("user "+sub, stderr)
	name := fs.String("name", "", "用户名")
	password := fs.String("password", "", "密码(至少10位,含字母和数字)")
	role := fs.String("role", "", "角色代码,如 admin、grid_worker、community_staff、dept_civil(见 shequ user roles)")
	org := fs.String("org", "", "授权范围:组织单元的 id、名称或区划代码,多个用逗号分隔(管理员可省略,表示全域)")
	display := fs.String("display-name", "", "显示名")
	grantID := fs.Int64("grant", 0, "要撤销的授权 id(见 shequ user list)")
	temporary := fs.Bool("temporary", true, "add、set-password:该密码为临时密码,用户登录后须先修改(脚本化部署和测试可设为 false)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	acc := accounts.NewStore(db)
	acs := access.NewService(db)
	switch sub {
	case "add":
		if *name == "" || *password == "" || *role == "" {
			return fmt.Errorf("需要 --name、--role 和 --password")
		}
		u := &accounts.User{Name: *name, DisplayName: *display, MustChangePassword: *temporary}
		if err := addUser(ctx, db, u, *password, *role, *org); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已创建用户 %s 并授权 %s\n", u.Name, *role)
		return nil
	case "grant":
		if *name == "" || *role == "" {
			return fmt.Errorf("需要 --name 和 --role")
		}
		u, err := acc.UserByName(ctx, *name)
		if err != nil {
			return err
		}
		g, err := acs.ResolveGrant(ctx, grantRequest(u.ID, *role, *org))
		if err != nil {
			return err
		}
		if err := acs.AddGrant(ctx, nil, &g); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已授权 %s: %s(授权 id %d)\n", u.Name, *role, g.ID)
		return nil
	case "revoke":
		if *grantID == 0 {
			return fmt.Errorf("需要 --grant(授权 id,见 shequ user list)")
		}
		if err := acs.RevokeGrant(ctx, *grantID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已撤销授权 %d\n", *grantID)
		return nil
	case "list":
		us, err := acc.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "用户名\t显示名\t授权(id 角色@范围)\t停用")
		for _, u := range us {
			gs, err := acs.Grants(ctx, u.ID)
			if err != nil {
				return err
			}
			var parts []string
			for _, g := range gs {
				parts = append(parts, fmt.Sprintf("%d %s@%s", g.ID, g.Role, g.UnitNames))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", u.Name, u.DisplayName, strings.Join(parts, "; "), u.Disabled)
		}
		return tw.Flush()
	case "roles":
		roles, err := acs.Roles(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "代码\t名称\t授权范围\t权限")
		for _, r := range roles {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Code, r.Name, access.PlaceNames[r.Place], strings.Join(r.Permissions, ","))
		}
		return tw.Flush()
	case "set-password":
		if *name == "" || *password == "" {
			return fmt.Errorf("需要 --name 和 --password")
		}
		set := acc.ResetPassword
		if !*temporary {
			set = acc.SetPassword
		}
		if err := set(ctx, *name, *password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已修改 %s 的密码,其现有会话均已退出\n", *name)
		return nil
	case "disable", "enable":
		if *name == "" {
			return fmt.Errorf("需要 --name")
		}
		if err := acc.SetDisabled(ctx, *name, sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已%s用户 %s\n", map[string]string{"disable": "停", "enable": "启"}[sub], *name)
		return nil
	default:
		return fmt.Errorf("未知子命令 user %s", sub)
	}
}

// grantRequest is the grant the command line asks for.
func grantRequest(userID int64, role, units string) access.GrantRequest {
	return access.GrantRequest{UserID: userID, Role: role, Units: units, By: "命令行"}
}

// addUser creates an account with its first grant, both or neither.
func addUser(ctx context.Context, db *database.DB, u *accounts.User, password, role, units string) error {
	_, err := access.NewService(db).AddUser(ctx, accounts.NewStore(db), u, password, grantRequest(0, role, units))
	return err
}
