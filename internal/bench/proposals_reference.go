package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The vote over HTTP is also given as a ratio to a reference measured in
// the same run with the same client (issue 20): a net/http handler in
// this process that takes the same POST — the session and token cookies,
// the form — parses it, compares the double-submit token and answers a
// small page with a receipt, with no database and no session. The ratio
// says how much of what net/http alone can do on this machine the vote
// keeps, which holds across machines and loads better than a rate.

// referenceVotePage is about the size of the receipt page a vote answers.
const referenceVotePage = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>已投票</title></head>` +
	`<body><main><h1>已投票</h1><p class="notice">已投票。您的回执码:<strong>%s</strong></p></main></body></html>`

func referenceVoteHandler() http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		c, err := r.Cookie("shequ_proposals_csrf")
		if err != nil || r.ParseForm() != nil || r.PostFormValue("csrf") != c.Value || r.PostFormValue("choice") == "" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, referenceVotePage, strconv.FormatInt(n.Add(1), 16))
	})
}

// referenceVotes sends n votes' requests to the reference from workers
// connections and returns their rate and latencies.
func referenceVotes(ctx context.Context, workers, n int, sessions []string) (float64, latencies, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, nil, err
	}
	srv := &http.Server{Handler: referenceVoteHandler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		all      latencies
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newLoadClient(ln.Addr().String())
			defer c.close()
			csrf := randomToken()
			var mine latencies
			for i := int(next.Add(1) - 1); i < n && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				t0 := time.Now()
				status, _, err := c.do("POST", "/r/proposals/1/1/vote", voteHeaders(sessions[i%len(sessions)], csrf),
					voteBody(csrf, i))
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("reference: status %d", status)
				}
				if err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if firstErr != nil {
		return 0, nil, firstErr
	}
	return float64(len(all)) / took.Seconds(), all, ctx.Err()
}
