package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/testwait"
)

// TestServeDemoSaysThePasswordLast: `serve --demo` says how to log in after
// everything starting up said, and the routine sends of the demo's
// notifications stay at debug level, so the password is what the terminal
// shows.
func TestServeDemoSaysThePasswordLast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out lockedBuffer // stdout and the log, interleaved as a terminal shows them
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", path, "--addr", "127.0.0.1:0", "--demo", "--demo-preset", "zinan"}, &out, &out)
	}()
	testwait.Until(t, "serve to say the password", func() bool { return strings.Contains(out.String(), "密码:") })
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sent := 0
	testwait.Until(t, "the demo's notifications to go out", func() bool {
		var pending int
		err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE status = 'pending'`).Scan(&pending)
		if err == nil && pending == 0 {
			err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE status = 'sent'`).Scan(&sent)
		}
		return err == nil && pending == 0
	})
	if sent < 50 {
		t.Errorf("the demo sent %d notifications: the test proves little", sent)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 3 || !strings.Contains(lines[len(lines)-2], "登录账号: admin  密码: demo") ||
		!strings.Contains(lines[len(lines)-3], "shequ 已启动: http://127.0.0.1:") {
		t.Errorf("the address and the password are not the last lines:\n%s", strings.Join(lines[max(0, len(lines)-10):], "\n"))
	}
	info := 0
	for _, l := range lines {
		if strings.Contains(l, "level=INFO") {
			info++
		}
	}
	t.Logf("%d notifications sent, %d INFO lines, %d lines in all", sent, info, len(lines))
	if info > 5 {
		t.Errorf("%d INFO lines:\n%s", info, out.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v", err)
		}
	case <-testwait.Done(t):
		t.Error("serve did not stop by the test's deadline")
	}
}
