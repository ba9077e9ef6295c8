package access

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"shequ/internal/accounts"
	"shequ/internal/fault"
	"shequ/internal/sheets"
)

// A street's thirty grid workers are set up from one sheet (shequ user
// import): an account per row with its first grant. The file is taken
// whole or not at all; an account that exists already is left as it is,
// so the same file, or the file with rows added, can be imported again.
// Every account made this way changes its password at its first login.

// accountColumns are the columns of an account list.
var accountColumns = []sheets.Column{
	{Key: "name", Names: []string{"账号", "用户名", "登录名"}, Required: true},
	{Key: "display_name", Names: []string{"姓名", "显示名"}},
	{Key: "role", Names: []string{"角色", "角色代码"}, Required: true},
	{Key: "units", Names: []string{"授权范围", "范围", "授权单元", "单元"}},
	{Key: "note", Names: []string{"备注", "说明"}},
	{Key: "password", Names: []string{"初始密码", "密码"}},
}

// AccountFile is an account list as read.
type AccountFile struct {
	Rows    []sheets.Record
	Columns map[string]string // key → “账号”列, as the file names it
}

// ReadAccountFile reads an account list from xlsx or csv: 账号, 姓名, 角色
// (name or code), 授权范围 (units by path from the root, code, id or name,
// several separated by commas), 备注 and, optionally, 初始密码.
func ReadAccountFile(r io.ReaderAt, size int64, name string) (*AccountFile, error) {
	book, err := sheets.Open(r, size, name, sheets.DefaultLimits)
	if err != nil {
		return nil, err
	}
	t, err := sheets.ReadTable(book, accountColumns)
	if err != nil {
		return nil, err
	}
	f := &AccountFile{Rows: t.Records, Columns: map[string]string{}}
	for k, h := range t.Headers {
		f.Columns[k] = "“" + h + "”列"
	}
	return f, nil
}

// NewAccount is an account an import made.
type NewAccount struct {
	Name string
	Role string
	// Password is set only when the import chose it (the file had none):
	// it is shown once to whoever imports, and kept nowhere.
	Password string
}

// AccountImport is what an import did.
type AccountImport struct {
	Created []NewAccount
	Existed []string // accounts already there, left as they were
}

// accountField maps the field errors of accounts and grants to columns.
var accountField = map[string]string{"name": "name", "display_name": "display_name", "password": "password",
	"role": "role", "units": "units"}

// ImportAccounts makes the accounts of a list with their first grants, in
// one transaction. On any error it returns sheets.Problems naming every
// row and column at fault, and makes none. by names who imports, for the
// grants' record.
func (s *Service) ImportAccounts(ctx context.Context, users *accounts.Store, f *AccountFile, by string) (AccountImport, error) {
	var out AccountImport
	roles, err := s.Roles(ctx)
	if err != nil {
		return out, err
	}
	roleCode := map[string]string{}
	var roleNames []string
	for _, r := range roles {
		roleCode[r.Code], roleCode[r.Name] = r.Code, r.Code
		roleNames = append(roleNames, r.Name)
	}
	var problems sheets.Problems
	fail := func(rec sheets.Record, col, msg string) {
		problems = append(problems, sheets.Problem{Place: rec.Place(), Column: f.Columns[col], Message: msg})
	}
	type planned struct {
		rec      sheets.Record
		user     accounts.User
		password string
		chosen   bool
		req      GrantRequest
	}
	var plan []planned
	seen := map[string]sheets.Record{}
	for _, rec := range f.Rows {
		v := rec.Values
		name := v["name"]
		if name == "" {
			fail(rec, "name", "请填写账号")
			continue
		}
		if first, dup := seen[name]; dup {
			fail(rec, "name", "与"+first.Place()+"重复")
			continue
		}
		seen[name] = rec
		if _, err := users.UserByName(ctx, name); err == nil {
			out.Existed = append(out.Existed, name)
			continue
		}
		ok := true
		code, known := roleCode[v["role"]]
		switch {
		case v["role"] == "":
			fail(rec, "role", "请填写角色")
			ok = false
		case !known:
			fail(rec, "role", fmt.Sprintf("角色“%s”不存在,可填:%s(或其代码,见 shequ user roles)", v["role"], strings.Join(roleNames, "、")))
			ok = false
		}
		units, err := s.unitIDs(ctx, v["units"])
		if err != nil {
			fail(rec, "units", err.Error()) // the tree's own words: which unit names nothing, or several
			ok = false
		}
		p := planned{rec: rec, user: accounts.User{Name: name, DisplayName: v["display_name"], MustChangePassword: true},
			password: v["password"], req: GrantRequest{Role: code, Units: units, Note: v["note"], By: by}}
		if p.password == "" {
			p.password, p.chosen = newPassword(), true
		} else if err := accounts.CheckPolicy(name, p.password); err != nil {
			fail(rec, "password", err.Error())
			ok = false
		}
		if ok {
			plan = append(plan, p)
		}
	}
	if len(problems) > 0 {
		return AccountImport{}, problems
	}
	// The accounts' own rules (name, display name) and the grants' (the
	// place a role is granted at) are checked as each is written; the
	// transaction is undone when any row fails them.
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, p := range plan {
			u := p.user
			err := users.AddUser(ctx, tx, &u, p.password)
			if err == nil {
				p.req.UserID = u.ID
				var g Grant
				if g, err = s.ResolveGrant(ctx, p.req); err == nil {
					err = s.AddGrant(ctx, tx, &g)
				}
			}
			if fe := fault.FieldsOf(err); fe != nil {
				for field, msg := range fe {
					fail(p.rec, accountField[field], msg)
				}
				continue
			}
			if err != nil {
				return err
			}
			a := NewAccount{Name: u.Name, Role: p.req.Role}
			if p.chosen {
				a.Password = p.password
			}
			out.Created = append(out.Created, a)
		}
		if len(problems) > 0 {
			return problems
		}
		return nil
	})
	if err != nil {
		var ps sheets.Problems
		if errors.As(err, &ps) {
			return AccountImport{Existed: out.Existed}, ps
		}
		return AccountImport{}, err
	}
	return out, nil
}

// unitIDs turns the units a list names — paths from the root, codes, ids
// or names, separated by commas — into ids, the form grants take.
func (s *Service) unitIDs(ctx context.Context, refs string) (string, error) {
	var ids []string
	for _, ref := range strings.FieldsFunc(refs, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n'
	}) {
		ref = strings.TrimSpace(ref)
		if ref == "" {
			continue
		}
		u, err := s.org.FindPath(ctx, ref)
		if err != nil {
			return "", err
		}
		ids = append(ids, strconv.FormatInt(u.ID, 10))
	}
	return strings.Join(ids, ","), nil
}

// passwordAlphabet leaves out letters and digits that read alike on a
// printed sheet (0 O o, 1 l I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newPassword is a random password of 12 characters with letters and
// digits, as the policy asks.
func newPassword() string {
	// Bytes past the last whole multiple of the alphabet are thrown away,
	// so that every character is as likely.
	limit := byte(256 / len(passwordAlphabet) * len(passwordAlphabet))
	for {
		pw := make([]byte, 0, 12)
		b := make([]byte, 32)
		for len(pw) < 12 {
			rand.Read(b)
			for _, c := range b {
				if c < limit && len(pw) < 12 {
					pw = append(pw, passwordAlphabet[int(c)%len(passwordAlphabet)])
				}
			}
		}
		if accounts.CheckPolicy("", string(pw)) == nil {
			return string(pw)
		}
	}
}
