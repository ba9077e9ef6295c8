package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"time"
)

// loadClient is a minimal HTTP/1.1 keep-alive client, one connection
// each. Throughput benchmarks run their load on the two cores the
// server under test runs on, and net/http's client spends about as much CPU
// on a request as the server spends on a whole page; like wrk, this one
// spends little, so that the figure is the server's. It understands what
// net/http's server sends: a status line, headers, and a body of a
// Content-Length or in chunks.
type loadClient struct {
	addr    string // host:port
	conn    net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	timeout time.Duration
	body    []byte // the last response's
}

func newLoadClient(addr string) *loadClient {
	return &loadClient{addr: addr, timeout: 10 * time.Second}
}

// get sends GET path and reads the whole response, returning its status.
func (g *loadClient) get(path string) (int, error) {
	status, _, err := g.do("GET", path, nil, nil)
	return status, err
}

// do sends a request with headers ("Name: value" each) and a body, and
// returns the status and the response's body, which holds until the next
// request.
func (g *loadClient) do(method, path string, headers []string, body []byte) (int, []byte, error) {
	if g.conn == nil {
		c, err := net.Dial("tcp", g.addr)
		if err != nil {
			return 0, nil, err
		}
		g.conn, g.r, g.w = c, bufio.NewReaderSize(c, 16<<10), bufio.NewWriter(c)
	}
	status, keep, err := g.roundTrip(method, path, headers, body)
	if err != nil || !keep {
		g.close()
	}
	return status, g.body, err
}

func (g *loadClient) close() {
	if g.conn != nil {
		g.conn.Close()
		g.conn = nil
	}
}

func (g *loadClient) roundTrip(method, path string, headers []string, body []byte) (status int, keep bool, err error) {
	g.conn.SetDeadline(time.Now().Add(g.timeout))
	g.w.WriteString(method)
	g.w.WriteString(" ")
	g.w.WriteString(path)
	g.w.WriteString(" HTTP/1.1\r\nHost: ")
	g.w.WriteString(g.addr)
	g.w.WriteString("\r\nUser-Agent: shequ-bench\r\n")
	for _, h := range headers {
		g.w.WriteString(h)
		g.w.WriteString("\r\n")
	}
	if body != nil {
		g.w.WriteString("Content-Length: ")
		g.w.WriteString(strconv.Itoa(len(body)))
		g.w.WriteString("\r\n")
	}
	g.w.WriteString("\r\n")
	g.w.Write(body)
	if err := g.w.Flush(); err != nil {
		return 0, false, err
	}
	line, err := g.r.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	length, chunked, keep := -1, false, true
	for {
		line, err := g.r.ReadSlice('\n')
		if err != nil {
			return status, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return status, false, fmt.Errorf("bad header %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return status, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	g.body = g.body[:0]
	switch {
	case chunked:
		err = g.readChunks()
	case length >= 0:
		g.body = slices.Grow(g.body, length)[:length]
		_, err = io.ReadFull(g.r, g.body)
	default:
		return status, false, errors.New("response without a length")
	}
	return status, keep && err == nil, err
}

func (g *loadClient) readChunks() error {
	for {
		line, err := g.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, err := strconv.ParseInt(string(bytes.TrimRight(line, "\r\n")), 16, 64)
		if err != nil || size < 0 || size > 64<<20 {
			return fmt.Errorf("bad chunk size %q", line)
		}
		n := len(g.body)
		g.body = slices.Grow(g.body, int(size)+2)[:n+int(size)+2] // the chunk and its CRLF
		if _, err := io.ReadFull(g.r, g.body[n:]); err != nil {
			return err
		}
		g.body = g.body[:n+int(size)]
		if size == 0 {
			return nil
		}
	}
}
