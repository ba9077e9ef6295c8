package register

import (
	"testing"

	"shequ/internal/database/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
