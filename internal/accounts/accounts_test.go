package accounts

import (
	"context"
	"fmt"
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
		if err := s.AddUser(ctx, nil, u, "admin-password-1"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddUser(ctx, nil, &User{Name: "admin"}, "admin-password-1"); err == nil {
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
		got, err := s.Authenticate(ctx, "admin", "admin-password-1")
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
		if _, err := s.Authenticate(ctx, "admin", "admin-password-1"); err != ErrBadLogin {
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
	for i := 0; i < th.PerAccount; i++ {
		if err := th.Check("zhang", "10.0.0.1"); err != nil {
			t.Fatalf("attempt %d refused: %v", i, err)
		}
		th.Failed("zhang", "10.0.0.1")
	}
	err := th.Check("ZHANG ", "10.0.0.2")
	if _, ok := err.(ErrThrottled); !ok {
		t.Fatalf("account not locked after %d failures: %v", th.PerAccount, err)
	}
	if !strings.Contains(err.Error(), "15 分钟") {
		t.Errorf("message %q", err)
	}
	if err := th.Check("li", "10.0.0.1"); err != nil {
		t.Errorf("another account from the same address refused early: %v", err)
	}
	// Spraying many names from one address locks the address.
	for i := 0; i < th.PerAddress; i++ {
		th.Failed(fmt.Sprintf("user%d", i), "10.0.0.9")
	}
	if err := th.Check("someone", "10.0.0.9"); err == nil {
		t.Error("address not locked")
	}
	now = now.Add(th.Window + time.Second)
	if err := th.Check("zhang", "10.0.0.1"); err != nil {
		t.Errorf("lock outlived its window: %v", err)
	}
	th.Failed("wang", "10.0.0.3")
	th.Succeeded("wang")
	if len(th.recent(accountKey("wang"), now)) != 0 {
		t.Error("success did not clear the account's failures")
	}
}
