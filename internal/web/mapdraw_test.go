package web

import "testing"

func TestNiceStep(t *testing.T) {
	for n, want := range map[int]int{0: 1, 3: 1, 6: 2, 412: 100, 1000: 200, 51: 20} {
		if got := NiceStep(n); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", n, got, want)
		}
	}
}
