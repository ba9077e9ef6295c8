// Command fakeshequ stands in for cmd/shequ in the harness's own test: it
// answers /healthz, prints its arguments, and exits cleanly on SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "serve" {
		fmt.Println(os.Args[1:])
		return
	}
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	db := fs.String("db", "", "")
	addr := fs.String("addr", "", "")
	fs.Parse(os.Args[2:])

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Addr: *addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "db=%s", *db)
	})}
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	fmt.Println("listening on", *addr)
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
