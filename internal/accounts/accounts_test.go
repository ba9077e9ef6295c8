package accounts

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
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
		u := &User{Name: "admin", Role: RoleAdmin}
		if err := s.AddUser(ctx, u, "admin-password-1"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddUser(ctx, &User{Name: "admin", Role: RoleAdmin}, "admin-password-1"); err == nil {
			t.Error("duplicate name accepted")
		}
		if err := s.AddUser(ctx, &User{Name: "gw", Role: RoleGridWorker}, "grid-password-1"); err == nil {
			t.Error("a grid worker without a unit accepted")
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
		secret, tok, err := s.CreateToken(ctx, "admin", "部门系统")
		if err != nil {
			t.Fatal(err)
		}
		if who, err := s.UserForToken(ctx, secret); err != nil || who.Name != "admin" {
			t.Errorf("token user: %v", err)
		}
		if err := s.RevokeToken(ctx, tok.Prefix); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserForToken(ctx, secret); err != ErrBadToken {
			t.Errorf("revoked token: %v", err)
		}
		if err := s.SetPassword(ctx, "admin", "new-password-22"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "admin", "new-password-22"); err != nil {
			t.Error(err)
		}
	})
}
