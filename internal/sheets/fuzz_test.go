package sheets

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/testwait"
)

// FuzzOpen feeds arbitrary bytes to the reader: it may refuse them, never
// panic or hang. `go test` runs the seeds; `go test -fuzz FuzzOpen` explores.
func FuzzOpen(f *testing.F) {
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "身份证号"})
	x.SetSheetRow("Sheet1", "A2", &[]any{"张三", 6.10603e17})
	x.MergeCell("Sheet1", "A3", "B4")
	var buf bytes.Buffer
	x.Write(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte("姓名,身份证号\n张三,\"61060\n3\"\n"))
	f.Add([]byte("\xff\xfe\x00\x00"))
	f.Add([]byte("PK\x03\x04\x14\x00"))
	f.Add([]byte("\xef\xbb\xbf\"a\"\"b,c"))
	lim := Limits{MaxBytes: 1 << 20, MaxRows: 1000, MaxUncompressed: 8 << 20, MaxRatio: 200}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Read in a goroutine so that an input that hangs the reader fails
		// this input (the subtest names it) at the test's deadline rather than
		// panicking the whole binary on go test's timeout.
		done := make(chan struct{})
		var panicked string // the panic and its stack, for the test's goroutine to report
		go func() {
			defer close(done)
			defer func() {
				if r := recover(); r != nil {
					panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
				}
			}()
			b, err := Open(bytes.NewReader(data), int64(len(data)), "fuzz", lim)
			if err != nil {
				return
			}
			for i := range b.Sheets {
				rows, err := b.Rows(i)
				if err != nil {
					continue
				}
				for n := 0; rows.Next() && n < 2000; n++ {
				}
				rows.Close()
			}
		}()
		select {
		case <-done:
			if panicked != "" {
				t.Fatalf("reading %d bytes panicked: %s", len(data), panicked)
			}
		case <-testwait.Done(t):
			t.Fatalf("reading %d bytes did not end by the test's deadline", len(data))
		}
	})
}
