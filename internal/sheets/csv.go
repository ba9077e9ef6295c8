package sheets

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

type csvBook struct {
	r         io.ReaderAt
	size      int64
	name      string
	encoding  string
	bom       int
	delimiter rune
}

// openCSV finds the file's encoding and delimiter and counts its records.
// Text files come as UTF-8 (with or without a byte-order mark), as UTF-16
// from Excel's "Unicode 文本", and as GBK/GB18030 from older systems and
// Excel's default "CSV" on a Chinese Windows: a file that is not valid UTF-8
// throughout is read as GB18030, which contains GBK.
func openCSV(r io.ReaderAt, size int64, name string, lim Limits) (*Book, error) {
	c := &csvBook{r: r, size: size, name: name}
	head := make([]byte, 4)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		c.encoding, c.bom = "utf-8", 3
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		c.encoding = "utf-16"
	}
	lines, err := c.scan()
	if err != nil {
		return nil, err
	}
	if c.encoding == "" {
		c.encoding = "gb18030"
	}
	if err := c.sniffDelimiter(); err != nil {
		return nil, err
	}
	if lim.MaxRows > 0 && lines > lim.MaxRows {
		// Quoted fields may hold line breaks: count records to be sure.
		if lines, err = c.countRecords(); err != nil {
			return nil, err
		}
		if lines > lim.MaxRows {
			return nil, refuse("文件 %s 超过 %d 行的上限,请分成几个文件导入", name, lim.MaxRows)
		}
	}
	return &Book{Format: "csv", Encoding: c.encoding, Sheets: []Sheet{{Name: strings.TrimSuffix(name, ".csv"), Rows: lines}}, csv: c}, nil
}

// scan reads the file once: it counts lines and, when no byte-order mark
// decided the encoding, checks whether it is UTF-8 throughout.
func (c *csvBook) scan() (int, error) {
	if c.encoding == "utf-16" {
		rd := c.reader()
		lines := 0
		br := bufio.NewReaderSize(rd, 64<<10)
		for {
			line, err := br.ReadSlice('\n')
			if len(line) > 0 && (err == nil || len(bytes.TrimSpace(line)) > 0) {
				lines++
			}
			if err == bufio.ErrBufferFull {
				lines-- // the same line continues
				continue
			}
			if err == io.EOF {
				return lines, nil
			}
			if err != nil {
				return 0, c.readError(err)
			}
		}
	}
	sr := io.NewSectionReader(c.r, 0, c.size)
	buf := make([]byte, 256<<10)
	lines, carry := 0, 0
	valid := true
	var last byte = '\n'
	for {
		n, err := sr.Read(buf[carry:])
		chunk := buf[:carry+n]
		lines += bytes.Count(buf[carry:carry+n], []byte{'\n'})
		if n > 0 {
			last = chunk[len(chunk)-1]
		}
		if valid && c.encoding == "" {
			// Keep an incomplete character at the end for the next round.
			cut := len(chunk)
			if err == nil {
				for k := 1; k <= 3 && k <= len(chunk); k++ {
					if b := chunk[len(chunk)-k]; b >= 0xC0 {
						cut = len(chunk) - k
						break
					} else if b < 0x80 {
						break
					}
				}
			}
			if !utf8.Valid(chunk[:cut]) {
				valid = false
			}
			carry = copy(buf, chunk[cut:])
		} else {
			carry = 0
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, c.readError(err)
		}
	}
	if last != '\n' {
		lines++
	}
	if valid && c.encoding == "" {
		c.encoding = "utf-8"
	}
	return lines, nil
}

func (c *csvBook) readError(err error) error {
	return refuse("文件 %s 无法读取:%v", c.name, err)
}

// reader returns the file's text decoded to UTF-8.
func (c *csvBook) reader() io.Reader {
	sr := io.NewSectionReader(c.r, int64(c.bom), c.size-int64(c.bom))
	switch c.encoding {
	case "gb18030":
		return transform.NewReader(sr, simplifiedchinese.GB18030.NewDecoder())
	case "utf-16":
		return transform.NewReader(sr, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	}
	return sr
}

// sniffDelimiter picks comma, tab or semicolon, whichever the first lines
// use most outside quotes.
func (c *csvBook) sniffDelimiter() error {
	br := bufio.NewReader(io.LimitReader(c.reader(), 64<<10))
	counts := map[rune]int{}
	inQuote := false
	for lines := 0; lines < 20; {
		r, _, err := br.ReadRune()
		if err != nil {
			break
		}
		switch {
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '\n':
			lines++
		case r == ',' || r == '\t' || r == ';':
			counts[r]++
		}
	}
	c.delimiter = ','
	best := 0
	for _, d := range []rune{',', '\t', ';'} {
		if counts[d] > best {
			c.delimiter, best = d, counts[d]
		}
	}
	return nil
}

func (c *csvBook) newReader() *csv.Reader {
	cr := csv.NewReader(bufio.NewReaderSize(c.reader(), 256<<10))
	cr.Comma = c.delimiter
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

func (c *csvBook) countRecords() (int, error) {
	cr := c.newReader()
	n := 0
	for {
		_, err := cr.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, c.parseError(err)
		}
		n++
	}
}

func (c *csvBook) parseError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return refuse("文件 %s 第 %d 行格式错误(引号不配对或字段损坏),请检查后重新导入", c.name, pe.StartLine)
	}
	return c.readError(err)
}

func (c *csvBook) rows() (*Rows, error) {
	cr := c.newReader()
	var row Row
	num := 0
	next := func() (Row, error) {
		rec, err := cr.Read()
		if err == io.EOF {
			return Row{}, io.EOF
		}
		if err != nil {
			return Row{}, c.parseError(err)
		}
		num++
		row.Num = num
		row.Cells = row.Cells[:0]
		for _, f := range rec {
			row.Cells = append(row.Cells, Cell{Value: f})
		}
		return row, nil
	}
	return &Rows{next: next}, nil
}
