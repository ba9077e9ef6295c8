package imports

import (
	"fmt"
	"hash/maphash"
	"strings"
)

// duplicates remembers the rows of a file by document key, so that a
// person listed twice is taken once: the same values again are nothing new,
// other values for the same number are refused (which row is right is for
// the department to say). Without this, two contradicting rows would each
// undo the other every time the file is imported.
type duplicates struct {
	seed   maphash.Seed
	ids    map[uint64]firstRow
	others map[string]firstRow
}

type firstRow struct {
	sheet  int32
	rowNum int32
	sum    uint64
}

// newDuplicates makes the memory for a file of about rows rows.
func newDuplicates(rows int) *duplicates {
	return &duplicates{seed: maphash.MakeSeed(), ids: make(map[uint64]firstRow, rows), others: map[string]firstRow{}}
}

// check notes a valid row and marks it a duplicate or refuses it.
func (d *duplicates) check(in *incoming, sheets []SheetLayout) {
	if in.key == "" || len(in.reasons) > 0 {
		return
	}
	sum := d.sum(in)
	var prev firstRow
	var seen bool
	n, resident := in.rkey, in.rok
	if resident {
		prev, seen = d.ids[n]
	} else {
		prev, seen = d.others[in.key]
	}
	if !seen {
		first := firstRow{sheet: int32(in.sheet), rowNum: int32(in.rowNum), sum: sum}
		if resident {
			d.ids[n] = first
		} else {
			d.others[in.key] = first
		}
		return
	}
	if prev.sum == sum {
		in.dup = true
		return
	}
	where := fmt.Sprintf("第 %d 行", prev.rowNum)
	if int(prev.sheet) != in.sheet {
		where = fmt.Sprintf("工作表“%s”第 %d 行", sheets[prev.sheet].Name, prev.rowNum)
	}
	in.reasons = append(in.reasons, "与本文件"+where+"的证件号码相同,但内容不同;请核对后只保留正确的一行")
}

func (d *duplicates) sum(in *incoming) uint64 {
	var h maphash.Hash
	h.SetSeed(d.seed)
	for i, f := range personFields {
		if in.has&(1<<i) != 0 {
			h.WriteString(f)
			h.WriteString(personValue(&in.person, f))
			h.WriteByte(0)
		}
	}
	h.WriteString(in.household)
	h.WriteByte(0)
	h.WriteString(in.community)
	if in.tag != nil {
		h.WriteString(strings.Join([]string{in.tag.StartedOn, in.tag.EndedOn, in.tag.Note}, "\x00"))
	}
	for _, t := range in.extra {
		h.WriteString(strings.Join([]string{"", t.Code, t.StartedOn, t.EndedOn, t.Note}, "\x00"))
	}
	return h.Sum64()
}
