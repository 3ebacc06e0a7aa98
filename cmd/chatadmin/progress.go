package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/chatadmin/chatadmin-go/bulk"
)

// progressBar draws one line on a terminal: a bar when the total is known,
// counts, rate and ETA. It is hand-written (60 lines) rather than taken
// from a progress-bar library because it draws from the bulk runner's own
// Progress snapshots (counts, rate, ETA are computed there) and must be
// erased and redrawn around failure lines; a library would add its own
// goroutine, clock and dependency tree for less.
//
// All methods are called on the bulk runner's goroutine (OnResult and
// OnProgress), so it needs no lock.
type progressBar struct {
	w     io.Writer
	width int   // terminal columns
	total int64 // -1 when unknown (ids from stdin)
	last  time.Time
	shown bool
	p     bulk.Progress
}

// redrawEvery caps the redraw rate: a terminal does not need 5,000
// redraws a second.
const redrawEvery = 100 * time.Millisecond

// barMargin is how many columns the bar leaves free at the right.
const barMargin = 4

func (b *progressBar) update(p bulk.Progress) {
	b.p = p
	if now := time.Now(); now.Sub(b.last) >= redrawEvery {
		b.last = now
		b.draw()
	}
}

// clear erases the bar, before a failure line or the summary.
func (b *progressBar) clear() {
	if b.shown {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.shown = false
	}
}

func (b *progressBar) draw() {
	p := b.p
	n := p.Done + p.Failed + p.Unknown + p.Skipped
	stats := fmt.Sprintf(" %d", n)
	if b.total >= 0 {
		stats += fmt.Sprintf("/%d", b.total)
	}
	stats += fmt.Sprintf("  %.0f/s", p.Rate)
	if b.total > 0 && p.Rate > 0 {
		left := time.Duration(float64(b.total-n) / p.Rate * float64(time.Second)).Round(time.Second)
		stats += "  ETA " + left.String()
	}
	if f := p.Failed + p.Unknown; f > 0 {
		stats += fmt.Sprintf("  %d failed", f)
	}
	line := stats
	// The line stays clear of the last columns: a line that fills the
	// terminal wraps when the terminal echoes ^C after it, and the next
	// "\r" would then erase only the wrapped part.
	if barWidth := b.width - len(stats) - 2 - barMargin; b.total > 0 && barWidth >= 10 {
		filled := int(int64(barWidth) * min(n, b.total) / b.total)
		line = "[" + strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled) + "]" + stats
	}
	fmt.Fprint(b.w, "\r"+line+"\x1b[K")
	b.shown = true
}
