package imports

import (
	"context"
	"runtime"
	"sync"

	"shequ/internal/sheets"
)

// chunk is a run of rows read from one sheet, parsed by one of the
// workers.
type chunk struct {
	n      int // chunks are numbered in file order
	parser *parser
	seq    int // seq of the first row
	raw    []sheets.Row
	rows   []*incoming
}

const chunkRows = 1000

// read reads the file and sends the rows after the checkpoint in batches
// of size, in file order. Rows are parsed by as many workers as there are
// cores, chunk by chunk, and put back in order; duplicates are then
// recognised in file order. Rows before the checkpoint are parsed too (and
// not sent), so that duplicates of them are still recognised on a resumed
// import. Channels bound what is held in memory.
func (r *run) read(ctx context.Context, size, checkpoint int, out chan<- []*incoming) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	raw := make(chan *chunk, 8)
	parsed := make(chan *chunk, 8)
	readErr := make(chan error, 1)
	go func() {
		defer close(raw)
		readErr <- r.readChunks(ctx, raw)
	}()
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range raw {
				c.rows = make([]*incoming, len(c.raw))
				for i, row := range c.raw {
					c.rows[i] = c.parser.parse(row, c.seq+i)
				}
				c.raw = nil
				select {
				case parsed <- c:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(parsed)
	}()

	dups := newDuplicates(r.im.RowsTotal)
	waiting := map[int]*chunk{}
	next := 0
	var batch []*incoming
	send := func() error {
		select {
		case out <- batch:
			batch = nil
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for c := range parsed {
		waiting[c.n] = c
		for c := waiting[next]; c != nil; c = waiting[next] {
			delete(waiting, next)
			next++
			for _, in := range c.rows {
				dups.check(in, r.im.Layout.Sheets)
				in.parsed = len(in.reasons)
				if in.seq < checkpoint {
					continue
				}
				batch = append(batch, in)
				if len(batch) == size {
					if err := send(); err != nil {
						cancel()
						for range parsed {
						}
						return err
					}
				}
			}
		}
	}
	if err := <-readErr; err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// readChunks reads the sheets to import and sends their data rows in
// chunks.
func (r *run) readChunks(ctx context.Context, out chan<- *chunk) error {
	book, err := sheets.Open(r.file, r.size, r.im.FileName, r.s.Limits)
	if err != nil {
		return err
	}
	seq, n := 0, 0
	for i := range r.im.Layout.Sheets {
		sl := &r.im.Layout.Sheets[i]
		if sl.HeaderRow == 0 || sl.Skipped != "" {
			continue
		}
		rows, err := book.Rows(sl.Index)
		if err != nil {
			return err
		}
		ps := &parser{layout: sl, date1904: book.Date1904, today: r.today, tag: r.tag}
		c := &chunk{n: n, parser: ps, seq: seq}
		flush := func() error {
			if len(c.raw) == 0 {
				return nil
			}
			select {
			case out <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			n++
			c = &chunk{n: n, parser: ps, seq: seq}
			return nil
		}
		for rows.Next() {
			row := rows.Row()
			if row.Num < sl.DataRow {
				continue
			}
			// The reader reuses its cells; the chunk keeps its own.
			c.raw = append(c.raw, sheets.Row{Num: row.Num, Cells: append([]sheets.Cell(nil), row.Cells...)})
			seq++
			if len(c.raw) == chunkRows {
				if err := flush(); err != nil {
					rows.Close()
					return err
				}
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}
