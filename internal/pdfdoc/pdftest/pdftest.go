// Package pdftest checks generated PDFs in tests with the real tools:
// poppler's pdftotext, pdftoppm and pdfinfo, and zbarimg for QR codes.
// scripts/test installs them (poppler-utils, zbar-tools) and the font
// (fonts-arphic-gbsn00lp); when one is missing the test fails with that
// advice.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
