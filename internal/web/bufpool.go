package web

import (
	"bytes"
	"sync"
)

// Pages are rendered into a buffer first (a template error then becomes a
// clean error page, not half a page). Taking the buffers from a pool spares
// the progress pages, the busiest, an allocation of their size and its
// collection per request; buffers grown by an unusually long page (a list
// of thousands of rows) are let go rather than kept.

var pageBuffers = sync.Pool{New: func() any {
	b := new(bytes.Buffer)
	b.Grow(16 << 10) // most pages fit
	return b
}}

// maxPooledPage bounds the buffers kept for reuse.
const maxPooledPage = 256 << 10

// PageBuffer returns an empty buffer to render a page into; give it back
// with PutPageBuffer once its bytes are written.
func PageBuffer() *bytes.Buffer { return pageBuffers.Get().(*bytes.Buffer) }

// PutPageBuffer returns a buffer for reuse; its bytes must no longer be
// referenced.
func PutPageBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledPage {
		return
	}
	b.Reset()
	pageBuffers.Put(b)
}
