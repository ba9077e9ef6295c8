package sheets

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
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
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				panic("slow input")
			}
		}()
		defer close(done)
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
	})
}
