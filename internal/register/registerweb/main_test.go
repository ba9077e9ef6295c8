package registerweb

import (
	"testing"

	"shequ/internal/database/dbtest"
)

// TestMain lets the process's template databases be removed when its tests
// have run.
func TestMain(m *testing.M) { dbtest.Main(m) }
