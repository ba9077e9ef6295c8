package browser

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestChromium proves the browser half of the harness: Chromium starts,
// loads a page, runs its script, has a phone-sized viewport and can be
// photographed.
func TestChromium(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>社区服务</title></head>
<body><h1>社区服务</h1><p id="js">no script</p>
<script>document.getElementById("js").textContent = "script ran"</script></body></html>`)
	}))
	defer srv.Close()

	ctx := Chromium(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	js, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#js")))
	if err != nil {
		t.Fatal(err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if title != "社区服务" || js != "script ran" {
		t.Errorf("title %q, #js %q", title, js)
	}
	if width != 375 {
		t.Errorf("window.innerWidth = %d, want 375", width)
	}
	Screenshot(t, ctx, "page")
}

// TestServe checks StartServer's machinery (start, health check, clean
// stop) and RunShequ's against a stand-in for cmd/shequ.
func TestServe(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "fakeshequ")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/fakeshequ").CombinedOutput(); err != nil {
		t.Fatalf("build fakeshequ: %v\n%s", err, out)
	}
	if got := run(t, bin, "demo", "--db", DBPath(t)); got != "[demo --db "+DBPath(t)+"]\n" {
		t.Errorf("run printed %q", got)
	}
	base := serve(t, bin)
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "db="+DBPath(t) {
		t.Errorf("server got %q, want the test's DBPath", body)
	}
}
