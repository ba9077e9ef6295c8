package bench

import (
	"testing"

	"shequ/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
