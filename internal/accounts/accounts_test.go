package accounts

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

func TestMain(m *testing.M) {
	SetCost(Argon2Params{Time: 1, Memory: 64, Threads: 1})
	dbtest.Main(m)
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct-horse-1")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct-horse-1") || CheckPassword(h, "correct-horse-2") || CheckPassword("garbage", "x") {
		t.Error("password check wrong")
	}
	for pw, ok := range map[string]bool{"short1": false, "onlyletterslong": false, "1234567890": false, "good-password-9": true} {
		if err := CheckPolicy("zhang", pw); (err == nil) != ok {
			t.Errorf("policy(%q) = %v", pw, err)
		}
	}
}

func TestAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewStore(db)
		u := &User{Name: "admin"}
		if err := s.AddUser(ctx, nil, u, "orchard-lamp-31"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddUser(ctx, nil, &User{Name: "admin"}, "orchard-lamp-31"); err == nil {
			t.Error("duplicate name accepted")
		}
		for _, bad := range []struct{ name, pw, field string }{
			{"x", "long-enough-1", "name"},
			{"bad name!", "long-enough-1", "name"},
			{"zhang", "short1", "password"},
			{"zhang", strings.Repeat("a1", 300), "password"},
		} {
			err := s.AddUser(ctx, nil, &User{Name: bad.name}, bad.pw)
			if fe, ok := err.(fault.Fields); !ok || fe[bad.field] == "" {
				t.Errorf("AddUser(%q, %d chars) = %v, want an error at %s", bad.name, len(bad.pw), err, bad.field)
			}
		}
		if _, err := s.Authenticate(ctx, "admin", strings.Repeat("x", 1<<20)); err != ErrBadLogin {
			t.Errorf("megabyte password: %v", err)
		}
		if _, err := s.Authenticate(ctx, "admin", "wrong-password-1"); err != ErrBadLogin {
			t.Errorf("wrong password: %v", err)
		}
		if _, err := s.Authenticate(ctx, "nobody", "wrong-password-1"); err != ErrBadLogin {
			t.Errorf("unknown user: %v", err)
		}
		got, err := s.Authenticate(ctx, "admin", "orchard-lamp-31")
		if err != nil || got.ID != u.ID {
			t.Fatalf("login: %v", err)
		}
		sess, err := s.StartSession(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := s.Session(ctx, sess.Token); err != nil || back.CSRF != sess.CSRF {
			t.Errorf("session lookup: %v", err)
		}
		if _, err := s.Session(ctx, sess.Token+"x"); err != ErrNoSession {
			t.Errorf("tampered token: %v", err)
		}
		s.now = func() time.Time { return time.Now().Add(IdleTimeout + time.Minute) }
		if _, err := s.Session(ctx, sess.Token); err != ErrNoSession {
			t.Errorf("idle session should expire: %v", err)
		}
		s.now = time.Now
		secret, tok, err := s.CreateToken(ctx, "admin", "部门系统", 0)
		if err != nil {
			t.Fatal(err)
		}
		if who, _, err := s.UserForToken(ctx, secret); err != nil || who.Name != "admin" {
			t.Errorf("token user: %v", err)
		}
		if err := s.RevokeToken(ctx, tok.Prefix); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserForToken(ctx, secret); err != ErrBadToken {
			t.Errorf("revoked token: %v", err)
		}
		// A disabled account's tokens stop working at once, and its sessions end.
		secret2, _, err := s.CreateToken(ctx, "admin", "另一系统", 0)
		if err != nil {
			t.Fatal(err)
		}
		sess, err = s.StartSession(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, "admin", true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserForToken(ctx, secret2); err != ErrBadToken {
			t.Errorf("token of a disabled user: %v", err)
		}
		if _, err := s.Session(ctx, sess.Token); err != ErrNoSession {
			t.Errorf("session of a disabled user: %v", err)
		}
		if _, err := s.Authenticate(ctx, "admin", "orchard-lamp-31"); err != ErrBadLogin {
			t.Errorf("disabled user logged in: %v", err)
		}
		if err := s.SetDisabled(ctx, "admin", false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CreateToken(ctx, "admin", "x", 12345); err == nil {
			t.Error("token for a grant the user does not hold")
		}
		if err := s.SetPassword(ctx, "admin", "new-password-22"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "admin", "new-password-22"); err != nil {
			t.Error(err)
		}
	})
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	th := NewThrottle()
	th.now = func() time.Time { return now }
	const attacker, owner = "10.0.0.1", "10.0.0.2"
	for i := 0; i < th.Free; i++ {
		if err := th.Check("zhang", attacker); err != nil {
			t.Fatalf("free attempt %d refused: %v", i, err)
		}
		th.Failed("zhang", attacker)
	}
	if err := th.Check("zhang", attacker); err != nil {
		t.Fatalf("the attempt after the free ones should only wait once it failed: %v", err)
	}
	// Each further failure doubles the pair's wait.
	var waits []time.Duration
	for i := 0; i < 12; i++ {
		th.Failed("zhang", attacker)
		err, ok := th.Check("ZHANG ", attacker).(ErrThrottled)
		if !ok {
			t.Fatalf("failure %d: not throttled", th.Free+i+1)
		}
		waits = append(waits, err.Wait)
		now = now.Add(err.Wait)
	}
	if waits[0] != time.Second || waits[1] != 2*time.Second || waits[5] != 32*time.Second || waits[11] != th.MaxDelay {
		t.Errorf("waits %v", waits)
	}
	now = now.Add(-time.Second)
	if err := th.Check("zhang", attacker); err == nil || !strings.Contains(err.Error(), "秒后再试") {
		t.Errorf("message %v", err)
	}
	// The owner, from their own address, is not held back by the guesser.
	if err := th.Check("zhang", owner); err != nil {
		t.Errorf("owner refused while a guesser is throttled: %v", err)
	}
	th.Succeeded("zhang", owner)
	if err := th.Check("zhang", attacker); err == nil {
		t.Error("the owner's login lifted the guesser's wait")
	}
	if th.Failures("zhang") != th.Free+12 {
		t.Errorf("failures %d", th.Failures("zhang"))
	}
	th.Unlock("Zhang")
	if err := th.Check("zhang", attacker); err != nil || th.Failures("zhang") != 0 {
		t.Errorf("unlock left %d failures: %v", th.Failures("zhang"), err)
	}
	// Many addresses guessing one account reach the account's ceiling:
	// then it waits for everyone, until an administrator unlocks it.
	for i := 0; i < th.PerAccount; i++ {
		th.Failed("li", fmt.Sprintf("10.1.%d.%d", i/200, i%200))
	}
	if err := th.Check("li", owner); err == nil {
		t.Error("account not held after its ceiling")
	}
	th.Unlock("li")
	if err := th.Check("li", owner); err != nil {
		t.Errorf("unlocked account refused: %v", err)
	}
	// Spraying many names from one address holds the address.
	for i := 0; i < th.PerAddress; i++ {
		th.Failed(fmt.Sprintf("user%d", i), "10.0.0.9")
	}
	if err := th.Check("someone", "10.0.0.9"); err == nil || !strings.Contains(err.Error(), "15 分钟") {
		t.Errorf("address not held: %v", err)
	}
	if err := th.Check("someone", owner); err != nil {
		t.Errorf("another address held: %v", err)
	}
	now = now.Add(th.Window)
	if err := th.Check("someone", "10.0.0.9"); err != nil {
		t.Errorf("the address's ceiling outlived its window: %v", err)
	}
	// A pair's failures are forgotten a while after its last one.
	th.Failed("wang", attacker)
	now = now.Add(th.Memory)
	if th.Failures("wang") != 0 {
		t.Error("a pair's failures outlived its memory")
	}
}

func TestPasswordPolicy(t *testing.T) {
	for _, c := range []struct {
		name, pw string
		want     string // part of the message; "" when the password is fine
	}{
		{"zhangsan", "zhangsan12345", "用户名"},
		{"zhangsan", "ZhangSan-2026x", "用户名"},
		{"zhang.san", "x-zhangsan-2026", "用户名"},
		{"zhangsan", "nasgnahz12345", "倒过来"},
		{"li", "li1234567890", "用户名"},
		{"li", "believe-me-2026", ""},
		{"wangwu", "password123", "常用密码"},
		{"wangwu", "qwerty123456", "常用密码"},
		{"wangwu", "Dragon2026!!", "常用密码"},
		{"wangwu", "p@ssw0rd2026", "常用密码"},
		{"wangwu", "woaini1314", "常用密码"},
		{"wangwu", "1qaz2wsx3edc", "常用密码"},
		{"wangwu", "correct-horse-42", ""},
		{"wangwu", "黄河远上白云间2026", ""},
	} {
		err := CheckPolicy(c.name, c.pw)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckPolicy(%q, %q) refused: %v", c.name, c.pw, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("CheckPolicy(%q, %q) = %v, want a message about %s", c.name, c.pw, err, c.want)
		}
	}
	if n := len(commonPasswords()); n < 10000 {
		t.Errorf("%d common passwords", n)
	}
	// Setting such a password is refused at the field.
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		err := NewStore(db).AddUser(context.Background(), nil, &User{Name: "zhaoliu"}, "zhaoliu12345")
		if fe, ok := err.(fault.Fields); !ok || !strings.Contains(fe["password"], "用户名") {
			t.Errorf("AddUser with the name in the password: %v", err)
		}
	})
}

// Disabling an account revokes its tokens for good: enabling it again does
// not revive them.
func TestDisablingRevokesTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewStore(db)
		if err := s.AddUser(ctx, nil, &User{Name: "dept"}, "orchard-lamp-31"); err != nil {
			t.Fatal(err)
		}
		secret, _, err := s.CreateToken(ctx, "dept", "民政系统", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, "dept", true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, "dept", false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserForToken(ctx, secret); err != ErrBadToken {
			t.Errorf("a token of a re-enabled user works again: %v", err)
		}
		toks, err := s.Tokens(ctx, "dept")
		if err != nil || len(toks) != 1 || toks[0].Revoked == "" {
			t.Errorf("tokens %+v %v", toks, err)
		}
		// New tokens of the re-enabled user work.
		fresh, _, err := s.CreateToken(ctx, "dept", "新令牌", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserForToken(ctx, fresh); err != nil {
			t.Errorf("new token: %v", err)
		}

		// Migration 059 revokes the live tokens of users disabled before it.
		old, _, err := s.CreateToken(ctx, "dept", "旧令牌", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE users SET disabled = 1 WHERE name = 'dept'`); err != nil {
			t.Fatal(err)
		}
		migration, err := os.ReadFile("../database/migrations/059_revoke_disabled_tokens.sql")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, string(migration)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE users SET disabled = 0 WHERE name = 'dept'`); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserForToken(ctx, old); err != ErrBadToken {
			t.Errorf("a token of a user disabled before migration 059 works again: %v", err)
		}
	})
}
