package webtest

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"shequ/internal/testlog"
)

// Log is a test's application log at debug level: kept in memory, collected
// for the run's scan of every log (testlog), and read when the test ends,
// which fails if any of its secrets was logged. Whatever a test did,
// nothing personal may reach the log.
type Log struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	secrets []string
	logger  *slog.Logger
}

// NewLog returns a log that must never contain secrets: the names, ID and
// phone numbers the test put into the register.
func NewLog(t testing.TB, secrets ...string) *Log {
	t.Helper()
	l := &Log{secrets: secrets}
	testlog.Secret(t, secrets...)
	l.logger = slog.New(slog.NewTextHandler(testlog.Writer(t, l), &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		logs := l.String()
		for _, s := range l.secrets {
			if strings.Contains(logs, s) {
				t.Errorf("the log contains personal data %q:\n%s", s, logs)
			}
		}
	})
	return l
}

// Logger is what the application logs through.
func (l *Log) Logger() *slog.Logger { return l.logger }

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String is everything logged so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
