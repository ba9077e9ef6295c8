package reports

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
)

// A sample installed before the fixes gets them from migration 057 when
// no one has edited its items; an item an administrator changed is left
// as they made it.
func TestSampleFixesReachInstalledSamples(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := New(db, nil, sources...)
		if _, err := s.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		// The sample as it was shipped before: 本期出生 an age, the recorded
		// items typed; I024 edited since by an administrator.
		for _, q := range []string{
			`UPDATE indicators SET filter_expr = '年龄 < 1', period_rule = 'new' WHERE code = 'A019'`,
			`UPDATE indicators SET entity = '', filter_expr = '', measure = 'manual', period_rule = 'end', decimals = 0
				WHERE code IN ('M013', 'M016', 'I024', 'I025', 'E026', 'B044')`,
			`UPDATE indicators SET version = 2 WHERE code = 'I024'`,
			`DELETE FROM schema_migrations WHERE version = 57`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		want, err := parseSample(sampleMonthly)
		if err != nil {
			t.Fatal(err)
		}
		shipped := map[string]indicators.Indicator{}
		for _, ind := range want.indicators {
			shipped[ind.Code] = ind
		}
		for _, code := range []string{"A019", "M013", "M016", "I025", "E026"} {
			got, err := s.Indicator(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			w := shipped[code]
			if got.Filter != w.Filter || got.Measure != w.Measure || got.Rule != w.Rule {
				t.Errorf("%s after the migration: %s | %s | %s, want %s | %s | %s", code, got.Filter, got.Measure, got.Rule,
					w.Filter, w.Measure, w.Rule)
			}
			if _, err := s.ValidateIndicator(ctx, got); err != nil {
				t.Errorf("%s does not compile: %v", code, err)
			}
		}
		if got, _ := s.Indicator(ctx, "I024"); got.Measure != indicators.Manual {
			t.Errorf("an edited item was changed: %+v", got)
		}
	})
}
