package notify

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/testwait"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const phone = "13912345678"

// gateway is a fake SMS gateway: a real HTTP server that records what it
// receives and answers with the statuses it is told to.
type gateway struct {
	mu       sync.Mutex
	requests []gatewayRequest
	answers  []int // status per request, in order; 200 after they run out
}

type gatewayRequest struct {
	Method, Query, Key, ContentType string
	Body                            map[string]string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	req := gatewayRequest{Method: r.Method, Query: r.URL.RawQuery, Key: r.Header.Get("Idempotency-Key"),
		ContentType: r.Header.Get("Content-Type")}
	if b, _ := io.ReadAll(r.Body); len(b) > 0 {
		json.Unmarshal(b, &req.Body)
	}
	g.requests = append(g.requests, req)
	status := 200
	if len(g.answers) > 0 {
		status, g.answers = g.answers[0], g.answers[1:]
	}
	w.WriteHeader(status)
}

func (g *gateway) got() []gatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayRequest(nil), g.requests...)
}

func status(t *testing.T, db *database.DB, key string) (string, int, string) {
	t.Helper()
	var s, e string
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT status, attempts, last_error FROM notify_outbox WHERE idem_key = $1`, key).
		Scan(&s, &n, &e); err != nil {
		t.Fatalf("message %s: %v", key, err)
	}
	return s, n, e
}

func TestOutboxAndHTTPGateway(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		gw := &gateway{answers: []int{503}}
		srv := httptest.NewServer(gw)
		defer srv.Close()
		sender, err := NewHTTPSender(HTTPConfig{
			URL:     srv.URL + "/send?mobile={{.To}}&id={{.Key}}",
			Body:    `{"phone": {{json .To}}, "text": {{json .Body}}}`,
			Headers: map[string]string{"Authorization": "Bearer gateway-secret"},
		})
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

		// A message enqueued in a transaction that rolls back does not exist.
		body := "【城北社区】您反映的问题已受理,受理号 E2611300001 & 谢谢"
		msg := Message{Community: 7, Key: "event:1:accepted", To: phone, Body: body, Ref: "event:1"}
		tx, _ := db.BeginTx(ctx, nil)
		if err := Enqueue(ctx, tx, msg); err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		if c, _ := Counts(ctx, db); c[Pending] != 0 {
			t.Fatal("a rolled-back message is in the outbox")
		}
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			if err := Enqueue(ctx, tx, msg); err != nil {
				return err
			}
			return Enqueue(ctx, tx, msg) // the same key again: one message
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := Counts(ctx, db); c[Pending] != 1 {
			t.Fatalf("counts %v, want one pending", c)
		}

		t0 := time.Now().Add(time.Second)
		clock := t0
		d := &Dispatcher{DB: db, Sender: sender, Log: log, Now: func() time.Time { return clock },
			Backoff: func(int) time.Duration { return time.Minute }}
		if n, err := d.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("first pass took %d: %v", n, err)
		}
		if s, n, e := status(t, db, msg.Key); s != Pending || n != 1 || !strings.Contains(e, "503") {
			t.Fatalf("after a 503: %s, %d attempts, %q", s, n, e)
		}
		clock = t0.Add(30 * time.Second)
		if n, _ := d.RunOnce(ctx); n != 0 {
			t.Fatal("retried before its backoff ran out")
		}

		// The server restarts: a new dispatcher finds the message in the
		// outbox and delivers it.
		clock = t0.Add(2 * time.Minute)
		d2 := &Dispatcher{DB: db, Sender: sender, Log: log, Now: func() time.Time { return clock }}
		if n, err := d2.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("after restart took %d: %v", n, err)
		}
		if s, n, _ := status(t, db, msg.Key); s != Sent || n != 2 {
			t.Fatalf("after restart: %s, %d attempts", s, n)
		}
		reqs := gw.got()
		if len(reqs) != 2 {
			t.Fatalf("gateway got %d requests", len(reqs))
		}
		for _, r := range reqs {
			if r.Method != "POST" || r.Key != msg.Key || r.ContentType != "application/json" ||
				r.Body["phone"] != phone || r.Body["text"] != body ||
				r.Query != "mobile="+phone+"&id=event%3A1%3Aaccepted" {
				t.Errorf("gateway request %+v", r)
			}
		}

		// A number the gateway rejects fails at once; a gateway that keeps
		// failing is given up after MaxAttempts; requeueing tries again.
		gw.mu.Lock()
		gw.answers = []int{400, 500, 500}
		gw.mu.Unlock()
		for _, k := range []string{"rejected", "flaky"} {
			if err := Enqueue(ctx, db, Message{Key: k, To: phone, Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		d3 := &Dispatcher{DB: db, Sender: sender, Log: log, Workers: 1, MaxAttempts: 2,
			Now: func() time.Time { return clock }, Backoff: func(int) time.Duration { return 0 }}
		clock = clock.Add(time.Hour)
		d3.RunOnce(ctx)
		clock = clock.Add(time.Second)
		d3.RunOnce(ctx)
		if s, n, e := status(t, db, "rejected"); s != Failed || n != 1 || !strings.Contains(e, "400") {
			t.Errorf("rejected: %s %d %q", s, n, e)
		}
		if s, n, _ := status(t, db, "flaky"); s != Failed || n != 2 {
			t.Errorf("flaky: %s %d", s, n)
		}
		if n, err := Requeue(ctx, db); err != nil || n != 2 {
			t.Fatalf("requeue %d %v", n, err)
		}
		clock = time.Now().Add(time.Second)
		d3.RunOnce(ctx)
		if c, _ := Counts(ctx, db); c[Sent] != 3 || c[Failed] != 0 {
			t.Errorf("after requeue: %v", c)
		}
		if list, err := List(ctx, db, "event:1"); err != nil || len(list) != 1 || list[0].Status != Sent {
			t.Errorf("List: %+v %v", list, err)
		}
		if n, err := Prune(ctx, db, time.Now().Add(time.Hour)); err != nil || n != 3 {
			t.Errorf("Prune: %d %v", n, err)
		}

		if strings.Contains(logs.String(), phone) || strings.Contains(logs.String(), "受理号") {
			t.Errorf("personal data in the log:\n%s", logs.String())
		}
	})
}

// A dispatcher that died while holding a message (after taking it, before
// recording the outcome) leaves it to be sent again when the lease ends.
func TestLeaseAfterCrash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if err := Enqueue(ctx, db, Message{Key: "held", To: phone, Body: "x"}); err != nil {
			t.Fatal(err)
		}
		now := time.Now().Add(time.Second)
		blocked := make(chan struct{})
		crashing := senderFunc(func(ctx context.Context, m Message) error {
			close(blocked)
			<-ctx.Done() // the process "dies" here: nothing recorded
			return ctx.Err()
		})
		cctx, cancel := context.WithCancel(ctx)
		d := &Dispatcher{DB: db, Sender: crashing, Now: func() time.Time { return now }, Lease: time.Minute,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		go func() { <-blocked; cancel() }()
		d.RunOnce(cctx)
		// The cancelled send was recorded as a retry: simulate the crash
		// proper by putting the row back as a crash would have left it.
		if _, err := db.ExecContext(ctx, `UPDATE notify_outbox SET next_at = $1, last_error = '' WHERE idem_key = 'held'`,
			database.FormatTime(now.Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
		var sent []string
		ok := senderFunc(func(ctx context.Context, m Message) error { sent = append(sent, m.Key); return nil })
		d2 := &Dispatcher{DB: db, Sender: ok, Now: func() time.Time { return now.Add(30 * time.Second) }}
		if n, _ := d2.RunOnce(ctx); n != 0 {
			t.Error("taken again while the lease holds")
		}
		d2.Now = func() time.Time { return now.Add(61 * time.Second) }
		if n, _ := d2.RunOnce(ctx); n != 1 || len(sent) != 1 {
			t.Errorf("not sent after the lease: %d %v", n, sent)
		}
	})
}

func TestRunWakesAndStops(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan string, 1)
		d := NewDispatcher(db, senderFunc(func(ctx context.Context, m Message) error { done <- m.Key; return nil }),
			slog.New(slog.NewTextHandler(io.Discard, nil)))
		d.Interval = time.Hour
		stopped := make(chan struct{})
		go func() { d.Run(ctx); close(stopped) }()
		if err := Enqueue(ctx, db, Message{Key: "wake", To: phone, Body: "x"}); err != nil {
			t.Fatal(err)
		}
		d.Wake()
		select {
		case k := <-done:
			if k != "wake" {
				t.Errorf("sent %q", k)
			}
		case <-testwait.Done(t):
			t.Fatal("Wake did not send the message by the test's deadline")
		}
		cancel()
		<-stopped
	})
}

func TestSendersKeepPersonalDataOutOfLogsAndErrors(t *testing.T) {
	var logs bytes.Buffer
	m := Message{ID: 5, Key: "k5", To: phone, Body: "张三的低保审核已通过", Ref: "event:9"}
	LogSender{Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}.Send(context.Background(), m)
	if !strings.Contains(logs.String(), "id=5") || strings.Contains(logs.String(), phone) || strings.Contains(logs.String(), "张三") {
		t.Errorf("log sender wrote %q", logs.String())
	}

	// A gateway that cannot be reached: the error names the failure, not
	// the URL with the number and the text in it.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	s, err := NewHTTPSender(HTTPConfig{URL: "http://" + addr + "/send?to={{.To}}&text={{.Body}}", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), m)
	if err == nil || IsPermanent(err) || strings.Contains(err.Error(), phone) || strings.Contains(err.Error(), "%E5") {
		t.Errorf("unreachable gateway error: %v", err)
	}

	for _, cfg := range []HTTPConfig{{URL: ""}, {URL: "http://x/{{.Nope}}"}, {URL: "http://x/{{"}, {URL: "http://x/", Body: "{{json}"}} {
		if _, err := NewHTTPSender(cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	for _, bad := range []Message{{To: "", Body: "x"}, {To: phone, Body: " "}, {To: phone, Body: "x", Channel: "fax"},
		{To: phone, Body: strings.Repeat("长", MaxBodyRunes+1)}} {
		if err := Enqueue(context.Background(), nil, bad); err == nil {
			t.Errorf("Enqueue(%+v) accepted", bad)
		}
	}
	if !IsPermanent(Permanent(errors.New("x"))) || IsPermanent(errors.New("x")) {
		t.Error("IsPermanent")
	}
	if d := DefaultBackoff(1); d < 30*time.Second || d > 36*time.Second {
		t.Errorf("first backoff %v", d)
	}
	if d := DefaultBackoff(20); d < time.Hour || d > 72*time.Minute {
		t.Errorf("backoff cap %v", d)
	}
}

type senderFunc func(ctx context.Context, m Message) error

func (f senderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }
