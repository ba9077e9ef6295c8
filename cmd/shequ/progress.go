package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar returns a callback drawing a one-line bar on a terminal; on
// anything else it prints a line every 10%.
func progressBar(w io.Writer, label string) func(done, total int) {
	term := isTerminal(w)
	start := time.Now()
	lastDecile := -1
	var last time.Time
	return func(done, total int) {
		if total <= 0 {
			return
		}
		frac := float64(done) / float64(total)
		if frac > 1 {
			frac = 1
		}
		if !term {
			if d := int(frac * 10); d != lastDecile {
				lastDecile = d
				fmt.Fprintf(w, "%s: %d/%d (%d%%)\n", label, done, total, int(frac*100))
			}
			return
		}
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		const width = 30
		n := int(frac * width)
		eta := ""
		if frac > 0.01 && done < total {
			rest := time.Duration(float64(time.Since(start)) * (1 - frac) / frac)
			eta = " 剩余 " + rest.Round(time.Second).String()
		}
		fmt.Fprintf(w, "\r%s [%s%s] %3d%% %d/%d%s   ", label, strings.Repeat("█", n), strings.Repeat("·", width-n),
			int(frac*100), done, total, eta)
		if done >= total {
			fmt.Fprintf(w, " 用时 %s\n", time.Since(start).Round(100*time.Millisecond))
		}
	}
}
