package register

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRentYuan(t *testing.T) {
	for fen, want := range map[int64]string{120000: "1200", 120050: "1200.50", 120005: "1200.05", 1: "0.01"} {
		if got := RentYuan(fen); got != want {
			t.Errorf("RentYuan(%d) = %s, want %s", fen, got, want)
		}
	}
}

// TestRentalJSON: a rental carries its rent in 分 and, for readers of the
// time it was kept in 元, in 元; change events written then (monthly_rent
// alone, whole 元) read back exactly.
func TestRentalJSON(t *testing.T) {
	b, err := json.Marshal(Rental{ID: 7, MonthlyRentFen: 120050})
	if err != nil || !strings.Contains(string(b), `"monthly_rent_fen":120050`) || !strings.Contains(string(b), `"monthly_rent":1200.50`) {
		t.Fatalf("%s, %v", b, err)
	}
	var r Rental
	if err := json.Unmarshal(b, &r); err != nil || r.MonthlyRentFen != 120050 || r.ID != 7 {
		t.Fatalf("round trip %+v, %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"id":8,"landlord":"周平","monthly_rent":800,"tenant_ids":[1]}`), &r); err != nil ||
		r.MonthlyRentFen != 80000 || r.Landlord != "周平" || len(r.TenantIDs) != 1 {
		t.Fatalf("an old snapshot: %+v, %v", r, err)
	}
	if b, _ := json.Marshal(Rental{ID: 9}); strings.Contains(string(b), "monthly_rent") {
		t.Fatalf("no rent: %s", b)
	}
}
