package testwait

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestUntilReturnsWhenTheConditionHolds(t *testing.T) {
	calls := 0
	Until(t, "the third call", func() bool { calls++; return calls == 3 })
	if calls != 3 {
		t.Errorf("cond called %d times, want 3", calls)
	}
}

func TestDeadlineLeavesGrace(t *testing.T) {
	td, ok := t.Deadline()
	d, ok2 := Deadline(t)
	if ok != ok2 {
		t.Fatalf("Deadline ok = %v, t.Deadline ok = %v", ok2, ok)
	}
	if ok && !d.Before(td) {
		t.Errorf("Deadline %v is not before the test's %v", d, td)
	}
	// The grace period shrinks with the time left, so Context's deadline
	// lies between Deadline's before and after the call.
	cd, cok := Context(t, context.Background()).Deadline()
	after, _ := Deadline(t)
	if cok != ok || cd.Before(d) || cd.After(after) {
		t.Errorf("Context deadline %v %v, want %v…%v %v", cd, cok, d, after, ok)
	}
}

// envChild makes the test binary run only the child half of the test below.
const envChild = "SHEQU_TESTWAIT_CHILD"

// TestUntilFailsTheTestAtTheDeadline runs a test that waits for a condition
// that never holds in a child test binary with a short -timeout: the child
// must fail that test with what it waited for, not panic with go test's
// timeout.
func TestUntilFailsTheTestAtTheDeadline(t *testing.T) {
	if os.Getenv(envChild) == "1" {
		Until(t, "a condition that never holds", func() bool { return false })
		return
	}
	cmd := exec.CommandContext(Context(t, context.Background()), os.Args[0],
		"-test.run=^TestUntilFailsTheTestAtTheDeadline$", "-test.timeout=2s", "-test.count=1")
	cmd.Env = append(os.Environ(), envChild+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child passed:\n%s", out)
	}
	if !strings.Contains(string(out), "gave up at the test's deadline waiting for a condition that never holds") ||
		strings.Contains(string(out), "panic: test timed out") {
		t.Errorf("the child did not fail with what it waited for:\n%s", out)
	}
}

func TestDoneWithoutDeadline(t *testing.T) {
	if os.Getenv(envChild) == "1" {
		if Done(t) != nil {
			t.Error("Done is not nil without a deadline")
		}
		if _, ok := Deadline(t); ok {
			t.Error("Deadline ok without a deadline")
		}
		return
	}
	cmd := exec.CommandContext(Context(t, context.Background()), os.Args[0],
		"-test.run=^TestDoneWithoutDeadline$", "-test.timeout=0", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), envChild+"=1")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Errorf("child: %v\n%s", err, out)
	}
}
