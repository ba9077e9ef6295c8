package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"shequ/internal/accounts"
)

func tokenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: shequ token create|list|revoke …")
	}
	sub, args := args[0], args[1:]
	fs, dsn := newFlags("token "+sub, stderr)
	user := fs.String("user", "", "令牌代表的用户名")
	name := fs.String("name", "", "令牌用途说明")
	id := fs.String("id", "", "要吊销的令牌 id 或前缀")
	grant := fs.Int64("grant", 0, "令牌只代表该用户的这一项授权(授权 id,见 shequ user list;默认代表全部授权)")
	readZone := zoneFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	zone, err := readZone()
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	acc := accounts.NewStore(db)
	switch sub {
	case "create":
		if *user == "" {
			return fmt.Errorf("需要 --user")
		}
		secret, t, err := acc.CreateToken(ctx, *user, *name, *grant)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已为 %s 创建令牌 %d;令牌只显示这一次:\n", t.UserName, t.ID)
		// Scripts read the token alone on the last line.
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		ts, err := acc.Tokens(ctx, *user)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\t前缀\t用户\t用途\t创建\t最近使用\t吊销")
		for _, t := range ts {
			fmt.Fprintf(tw, "%d\t%s…\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Prefix, t.UserName, t.Name, clock(zone, t.CreatedAt), clock(zone, t.LastUsed), clock(zone, t.Revoked))
		}
		return tw.Flush()
	case "revoke":
		if *id == "" && len(fs.Args()) > 0 {
			*id = fs.Args()[0]
		}
		if *id == "" {
			return fmt.Errorf("需要 --id(令牌 id 或前缀)")
		}
		if err := acc.RevokeToken(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已吊销令牌 %s\n", *id)
		return nil
	default:
		return fmt.Errorf("未知子命令 token %s", sub)
	}
}
