package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// childServer is `shequ serve` run as a child process on the database under
// test, for the groups that measure over HTTP and kill the server with
// SIGKILL mid-run (events, proposals); or the trivial reference server
// their figures are compared with, a process of its own like the real one.
type childServer struct {
	cmd  *exec.Cmd
	addr string // host:port
	base string // http://host:port
	done chan struct{}
}

func startServer(ctx context.Context, bin, dsn string) (*childServer, error) {
	return startChild(ctx, bin, "shequ serve", "serve", "--db", dsn)
}

// startChild runs bin with args and --addr of a free loopback port, and
// waits until its /healthz answers 200.
func startChild(ctx context.Context, bin, what string, args ...string) (*childServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append(args, "--addr", addr)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &childServer{cmd: cmd, addr: addr, base: "http://" + addr, done: make(chan struct{})}
	go func() { cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited while starting", what)
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return nil, fmt.Errorf("%s did not answer within 30 s", what)
		}
	}
}

// kill ends the server with SIGKILL, as a power cut of the process.
func (s *childServer) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// cut ends the server mid-load: with SIGKILL, as a power cut of the
// process, unless SHEQU_CPUPROFILE asks the child (which inherits it) for
// a profile, which only a clean stop writes. It says which it was.
func (s *childServer) cut() (how string) {
	if os.Getenv("SHEQU_CPUPROFILE") != "" {
		s.stop()
		return "stopped with SIGTERM to write its CPU profile (SHEQU_CPUPROFILE), not killed"
	}
	s.kill()
	return "killed with SIGKILL"
}

// stop ends the server cleanly.
func (s *childServer) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.kill()
	}
}
