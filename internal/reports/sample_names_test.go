package reports

import (
	"regexp"
	"strings"
	"testing"

	"shequ/internal/indicators"
)

// Every sample item's definition means what its name says: a flow (本期…,
// 期内…, 当月…, …人次, …件数) is counted within the period, a stock
// (期末…, 年末…) at its end; births are born within the period; a rate is
// a share in %, a ratio (性别比) a share ×100 shown without %; counts are
// whole numbers and averages have decimals; what the system itself records
// (certificates, 诉求, disputes and their mediation, 临时救助) is computed.
func TestSampleItemsMeanTheirNames(t *testing.T) {
	d, err := parseSample(sampleMonthly)
	if err != nil {
		t.Fatal(err)
	}
	within := map[string]bool{indicators.During: true, indicators.New: true, indicators.Left: true}
	flow := regexp.MustCompile(`^(本期|期内|当月|本月|本年)|(人次|件数|户次|场次|次数)$`)
	stock := regexp.MustCompile(`^(期末|年末)`)
	recorded := regexp.MustCompile(`证明|诉求|矛盾纠纷|调解|临时救助`)
	for _, ind := range d.indicators {
		name, manual := ind.Name, ind.Measure == indicators.Manual
		fail := func(why string) {
			t.Errorf("%s %s (%s %s %s %s): %s", ind.Code, name, ind.Filter, ind.Measure, ind.Rule, ind.Unit, why)
		}
		if !manual && flow.MatchString(name) && !within[ind.Rule] {
			fail("a flow named so is counted within the period (期内, 期内新增 or 期内减少)")
		}
		if !manual && stock.MatchString(name) && ind.Rule != indicators.AtEnd {
			fail("a stock named so is counted at the end of the period (期末)")
		}
		if strings.Contains(name, "出生") && !strings.Contains(ind.Filter, "期内出生") {
			fail("births are those born within the period (期内出生), not an age")
		}
		switch {
		case strings.Contains(name, "性别比"):
			if ind.Measure != indicators.Share || ind.Unit != indicators.UnitRatio {
				fail("a sex ratio is 男/女×100 (占比, unit 比), no percent sign")
			}
		case strings.HasSuffix(name, "率") || strings.Contains(name, "比例") || strings.Contains(name, "占比"):
			if ind.Measure != indicators.Share || ind.Unit != indicators.UnitPercent {
				fail("a rate is a share in %")
			}
		}
		if ind.Measure == indicators.Share && ind.Unit != indicators.UnitPercent && ind.Unit != indicators.UnitPermille && ind.Unit != indicators.UnitRatio {
			fail("a share's unit is %, ‰ or 比")
		}
		if (ind.Measure == indicators.Count || ind.Measure == indicators.Distinct) && (ind.Decimals != 0 || ind.Unit == "%") {
			fail("a count is a whole number of something")
		}
		if ind.Measure == indicators.Avg && ind.Decimals == 0 {
			fail("an average has decimals")
		}
		if manual && recorded.MatchString(name) {
			fail("the system records this: it is computed, not typed")
		}
	}
}

// Values are shown with their item's decimals, rounded half away from
// zero; a ratio shows no unit.
func TestFormatValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		dec  int
		want string
	}{{95.9146, 2, "95.91"}, {95.915, 2, "95.92"}, {12, 0, "12"}, {12.5, 0, "13"}, {38.04, 1, "38.0"}, {7, 2, "7.00"},
		{7, -1, "7"}, {7.125, -1, "7.13"}} {
		if got := FormatValue(c.v, c.dec); got != c.want {
			t.Errorf("FormatValue(%v, %d) = %q, want %q", c.v, c.dec, got, c.want)
		}
	}
	if UnitText(indicators.UnitRatio) != "" || UnitText("%") != "%" || UnitText("人") != "人" {
		t.Error("unit text")
	}
}
