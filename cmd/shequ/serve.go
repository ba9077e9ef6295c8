package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/demo"
	"shequ/internal/notify"
	"shequ/internal/server"
	"shequ/internal/web"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	withDemo := fs.Bool("demo", false, "数据库为空时先载入演示数据(默认 chengbei,城北社区)并创建管理员")
	demoPreset := fs.String("demo-preset", "chengbei", "--demo 载入的预设: chengbei 或 zinan")
	secure := fs.Bool("secure-cookies", false, "会话 Cookie 只经 HTTPS 发送(部署在 HTTPS 之后时打开)")
	verbose := fs.Bool("v", false, "记录每个请求")
	importDir := fs.String("import-dir", "", "上传的名册在导入完成前存放的目录(默认为系统临时目录;重启后需要续导时请指定固定目录)")
	importMB := fs.Int("import-max-mb", 0, "上传名册的大小上限(MB,默认 300)")
	importRows := fs.Int("import-max-rows", 0, "名册的行数上限(默认 2000000)")
	smsURL := fs.String("sms-url", "", "短信网关地址模板,如 https://sms.example.com/send?mobile={{.To}}&content={{.Body}}&id={{.Key}}(不设则只记录短信编号,不发送)")
	smsBody := fs.String("sms-body", "", "短信网关请求体模板(JSON 或表单),如 {\"phone\": {{json .To}}, \"text\": {{json .Body}}};设了则用 POST")
	publicURL := fs.String("public-url", "", "居民访问本系统的网址,印在回执、证明和户档卡的二维码及短信中(默认 http://监听地址)")
	// A rehearsal (or a test) walks through a rule that waits days, such as
	// a certificate's seven-day public notice, on a copy of the data.
	ahead := fs.Duration("clock-ahead", 0, "演练用:把时钟拨快一段时间(如 192h),让等待若干天的规则(证明公示期)可以当场走完;生产环境不要设置")
	proxies := fs.String("trusted-proxies", os.Getenv("SHEQU_TRUSTED_PROXIES"), "反向代理的地址或网段(逗号分隔,如 10.0.0.0/8,192.168.1.5;默认取 SHEQU_TRUSTED_PROXIES):只相信它们转发的 X-Forwarded-For 客户端地址")
	readZone := zoneFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	zone, err := readZone()
	if err != nil {
		return err
	}
	trusted, err := web.ParseProxies(*proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if u, err := url.Parse(*publicURL); *publicURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return fmt.Errorf("--public-url 应为完整网址,如 https://shequ.example.gov.cn")
	}
	var sms notify.Sender
	if *smsURL != "" {
		headers, err := smsHeaders(os.Getenv("SHEQU_SMS_HEADERS"))
		if err != nil {
			return err
		}
		hs, err := notify.NewHTTPSender(notify.HTTPConfig{URL: *smsURL, Body: *smsBody, Headers: headers})
		if err != nil {
			return fmt.Errorf("--sms-url/--sms-body: %w", err)
		}
		sms = hs
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	// The server collects garbage at the default twice its live heap. At
	// three times (GOGC 200) marking cost a third less CPU, but the heap of
	// a server whose live heap is 25 MB then stood at 85 MB all day, most
	// of its resident set: issue 20 bounds that set at 150 MB. A soft limit
	// (the import command's 640 MB) bounds the big jobs a server also runs
	// (a city's report, a department's list of a million rows); it is no
	// tool for the everyday heap, as the collector would run flat out
	// whenever a big job's live heap came near it. GOGC and GOMEMLIMIT,
	// when set, decide.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(640 << 20)
	}
	start := time.Now()
	// Each of the pool's connections maps the file on its own and keeps a
	// page cache of its own: a server's resident set followed the spread of
	// its lookups over the file (61 MB after start-up, 313 MB after 180,000
	// lookups with 256 MB maps and 16 MB caches). 64 MB maps and 4 MB
	// caches bound it (README, "The server under load").
	db, err := openTunedDB(ctx, *dsn, database.Tuning{MapBytes: 64 << 20, CacheBytes: 4 << 20})
	if err != nil {
		return err
	}
	defer db.Close()
	var login string // the demo administrator's, said last
	if *withDemo {
		if login, err = loadDemoIfEmpty(ctx, db, *demoPreset, stdout, stderr); err != nil {
			return err
		}
	}
	app := server.New(db, log, server.Config{Addr: *addr, SecureCookies: *secure, PublicURL: *publicURL, SMS: sms,
		ImportDir: *importDir, ImportMaxMB: *importMB, ImportMaxRows: *importRows, Zone: zone, TrustedProxies: trusted,
		Now: clockAhead(*ahead, log)})
	defer app.Close()
	if err := app.ResumeImports(ctx); err != nil {
		log.Warn("imports not resumed", "err", err)
	}
	// The heap profile (SHEQU_MEMPROFILE) is of the server as it stopped,
	// its caches still held.
	defer writeHeapProfile()
	return server.Serve(ctx, *addr, app.Handler, func(a net.Addr) {
		log.Info("listening", "addr", a.String(), "engine", string(db.Engine), "startup_ms", time.Since(start).Milliseconds())
		// The address and the demo's password come last, after everything
		// starting up said, so that they are what the terminal shows.
		fmt.Fprintf(stdout, "shequ 已启动: http://%s/\n", a.String())
		if login != "" {
			fmt.Fprint(stdout, login)
		}
	})
}

// smsHeaders reads the SMS gateway's request headers (an Authorization
// with its key, say) from SHEQU_SMS_HEADERS: one "Name: value" per line, so
// that secrets stay out of the command line.
func smsHeaders(env string) (map[string]string, error) {
	h := map[string]string{}
	for _, line := range strings.Split(env, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("SHEQU_SMS_HEADERS 每行应为 名称: 值")
		}
		h[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return h, nil
}

// loadDemoIfEmpty loads a preset and an administrator into an empty
// database and returns how to log in, for the caller to say once the
// server listens ("" when the database had data).
func loadDemoIfEmpty(ctx context.Context, db *database.DB, preset string, stdout, stderr io.Writer) (string, error) {
	if preset != "chengbei" && preset != "zinan" {
		return "", fmt.Errorf("--demo-preset 应为 chengbei 或 zinan")
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units`).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		fmt.Fprintln(stdout, "数据库已有数据,跳过演示数据载入。")
		return "", nil
	}
	fmt.Fprintf(stdout, "正在载入演示数据(%s)…\n", preset)
	sum, err := demo.Load(ctx, db, demo.Options{Preset: preset, Seed: 1, Today: time.Now()}, progressBar(stderr, preset))
	if err != nil {
		return "", err
	}
	fmt.Fprintf(stdout, "已载入 %d 户 %d 人。\n", sum.Households, sum.Persons)
	b := make([]byte, 9)
	rand.Read(b)
	password := "demo" + base64.RawURLEncoding.EncodeToString(b) + "1"
	if err := addUser(ctx, db, &accounts.User{Name: "admin", DisplayName: "演示管理员"}, password, "admin", ""); err != nil {
		return "", err
	}
	return fmt.Sprintf("登录账号: admin  密码: %s\n(密码只显示这一次;可用 shequ user set-password 修改)\n", password), nil
}

// isTerminal reports whether w is a character device, to draw progress bars
// only for people, not for logs.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// clockAhead is the clock the dated rules read: time.Now, or, for a
// rehearsal, time.Now moved ahead (said in the log, so that a server running
// ahead is never mistaken for one that is not).
func clockAhead(d time.Duration, log *slog.Logger) func() time.Time {
	if d == 0 {
		return nil
	}
	log.Warn("clock runs ahead (--clock-ahead): dated rules see a later day", "ahead", d.String())
	return func() time.Time { return time.Now().Add(d) }
}
