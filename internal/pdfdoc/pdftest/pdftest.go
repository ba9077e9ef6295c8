// Package pdftest checks generated PDFs in tests with the real tools:
// poppler's pdftotext, pdftoppm and pdfinfo, and zbarimg for QR codes.
// scripts/test installs them (poppler-utils, zbar-tools) and the font
// (fonts-arphic-gbsn00lp); when one is missing the test fails with that
// advice.
package pdftest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"shequ/internal/pdfdoc"
)

func tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found; run scripts/test, which installs it (apt-get install %s)", name, pkg)
	}
	return p
}

// write stores pdf in the test's temporary directory.
func write(t testing.TB, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// Text returns the text of every page (pdftotext -layout), failing the
// test when the file does not parse.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	out, err := exec.Command(tool(t, "pdftotext", "poppler-utils"), "-layout", write(t, pdf), "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// Info returns pdfinfo's fields ("Pages", "Page size" …).
func Info(t testing.TB, pdf []byte) map[string]string {
	t.Helper()
	out, err := exec.Command(tool(t, "pdfinfo", "poppler-utils"), write(t, pdf)).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// Render draws page (1-based) as a PNG at dpi with pdftoppm, failing the
// test when poppler cannot render it, and returns the PNG's path. Set
// SHEQU_KEEP_PDF=dir to keep a copy of the PNG for a look.
func Render(t testing.TB, pdf []byte, page, dpi int) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	p := itoa(page)
	out, err := exec.Command(tool(t, "pdftoppm", "poppler-utils"), "-png", "-r", itoa(dpi), "-f", p, "-l", p,
		"-singlefile", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil || len(out) > 0 {
		// pdftoppm prints "Syntax Error" and friends but still exits 0 on a
		// damaged file; either is a failure.
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	png := filepath.Join(dir, "page.png")
	if keep := os.Getenv("SHEQU_KEEP_PDF"); keep != "" {
		b, _ := os.ReadFile(png)
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
		os.WriteFile(filepath.Join(keep, name+"-p"+p+".png"), b, 0o644)
		os.WriteFile(filepath.Join(keep, name+".pdf"), pdf, 0o644)
	}
	return png
}

// QRCodes decodes the QR codes in a PNG with zbarimg.
func QRCodes(t testing.TB, png string) []string {
	t.Helper()
	out, err := exec.Command(tool(t, "zbarimg", "zbar-tools"), "--quiet", "--raw", "-Sqrcode.enable", png).Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code in %s: %v", png, err)
	}
	var codes []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			codes = append(codes, l)
		}
	}
	return codes
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// SameText fails the test unless the text pdftotext reads from pdf is,
// character for character, the text laid out (pdfdoc.Doc.Laid); only
// whitespace, line breaks and page breaks are ignored. It returns the text
// read.
func SameText(t testing.TB, pdf []byte, laid string) string {
	t.Helper()
	text := Text(t, pdf)
	got, want := []rune(squeeze(text)), []rune(squeeze(laid))
	if string(got) == string(want) {
		return text
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Errorf("the PDF's text differs from the text laid out at character %d:\n pdf:  …%s…\n laid: …%s…",
		i, excerpt(got, i), excerpt(want, i))
	return text
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func excerpt(rs []rune, at int) string {
	from, to := max(0, at-12), min(len(rs), at+12)
	return string(rs[from:to])
}

// Layout fails the test when any two things placed on a page overlap (text
// lines, QR codes, and rules over either), when a frame (a table cell, a card's border)
// cuts through something instead of holding it, or when anything leaves the
// page.
func Layout(t testing.TB, boxes []pdfdoc.Box, pageW, pageH float64) {
	t.Helper()
	page := func(b pdfdoc.Box) pdfdoc.Box {
		// A line drawn to the page's edge (a cut line) may pass it by
		// half its width.
		slack := 0.0
		if b.Kind == pdfdoc.KindRule {
			slack = 0.5
		}
		return pdfdoc.Box{Page: b.Page, X: -slack, Y: -slack, W: pageW + 2*slack, H: pageH + 2*slack}
	}
	for i, a := range boxes {
		if !page(a).Contains(a) {
			t.Errorf("page %d: %s leaves the page", a.Page, describe(a))
		}
		for _, b := range boxes[i+1:] {
			switch {
			case a.Kind == pdfdoc.KindRule && b.Kind == pdfdoc.KindRule:
				// Lines may cross (cut lines, borders).
			case a.Kind == pdfdoc.KindFrame && b.Kind == pdfdoc.KindFrame:
				// Table cells share their borders; nested frames hold
				// one another.
				if a.Overlaps(b) && !a.Contains(b) && !b.Contains(a) {
					t.Errorf("page %d: %s and %s cross", a.Page, describe(a), describe(b))
				}
			case a.Kind == pdfdoc.KindFrame || b.Kind == pdfdoc.KindFrame:
				f, o := a, b
				if b.Kind == pdfdoc.KindFrame {
					f, o = b, a
				}
				if f.Overlaps(o) && !f.Contains(o) {
					t.Errorf("page %d: %s is cut by %s", f.Page, describe(o), describe(f))
				}
			case a.Overlaps(b):
				t.Errorf("page %d: %s overlaps %s", a.Page, describe(a), describe(b))
			}
		}
	}
}

func describe(b pdfdoc.Box) string {
	s := fmt.Sprintf("%s (%.1f,%.1f %.1f×%.1f mm)", b.Kind, b.X, b.Y, b.W, b.H)
	if b.Text != "" {
		s += " " + strconv.Quote(b.Text)
	}
	return s
}
