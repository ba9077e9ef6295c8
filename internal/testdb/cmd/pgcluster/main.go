// Command pgcluster runs one throwaway PostgreSQL cluster for a whole test
// run, so that test packages share it instead of each starting its own.
// It prints the admin DSN on one line, then runs until its stdin closes or it
// gets SIGTERM/SIGINT, and then stops the cluster and deletes its files.
//
// scripts/test starts it in the background with stdin on a pipe it holds
// open: however the script ends, the pipe closes and the cluster goes away.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"shequ/internal/testdb"
)

func main() {
	dir, err := os.MkdirTemp("", "shequ-testpg-")
	if err != nil {
		fail(err)
	}
	c, err := testdb.StartCluster(dir)
	if err != nil {
		os.RemoveAll(dir)
		fail(err)
	}
	fmt.Println(c.DSN())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	eof := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(eof)
	}()
	select {
	case <-stop:
	case <-eof:
	}

	err = c.Stop()
	os.RemoveAll(dir)
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pgcluster:", err)
	os.Exit(1)
}
