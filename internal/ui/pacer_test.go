package ui

import (
	"math"
	"testing"
	"time"
)

func TestNewPacer(t *testing.T) {
	for _, tt := range []struct {
		renderer string
		want     float64
	}{
		{"cpu", startTriCPU},
		{"gpu", startTriOther},
		{"", startTriOther},
	} {
		p := newPacer(tt.renderer)
		if p.budget != tt.want || p.target != paceTarget {
			t.Errorf("newPacer(%q): got budget %v, target %v; want %v, %v", tt.renderer, p.budget, p.target, tt.want, paceTarget)
		}
	}
}

func TestPacerObserve(t *testing.T) {
	const start = 100_000
	for _, tt := range []struct {
		name     string
		budget   float64
		interval time.Duration
		drew     bool
		want     float64
	}{
		{"twice the target halves the budget", start, 2 * paceTarget, true, start / 2},
		{"5/4 of the target takes a fifth off", start, paceTarget * 5 / 4, true, start * 4 / 5},
		{"ten times the target", start, 10 * paceTarget, true, start / 10},
		{"on target keeps it", start, paceTarget, true, start},
		{"a little under target keeps it", start, paceTarget * 9 / 10, true, start},
		{"well under target grows it by a quarter", start, paceTarget / 2, true, start * 1.25},
		{"a frame that drew no cells teaches nothing", start, 10 * paceTarget, false, start},
		{"a fast frame that drew nothing neither", start, time.Millisecond, false, start},
		{"no interval", start, 0, true, start},
		{"a negative interval (clock step)", start, -time.Second, true, start},
		{"never below the minimum", minTriBudget * 1.5, time.Second, true, minTriBudget},
		{"never above the maximum", maxTriBudget, time.Millisecond, true, maxTriBudget},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := pacer{target: paceTarget, budget: tt.budget}
			p.observe(tt.interval, tt.drew)
			if math.Abs(p.budget-tt.want) > 1e-6*tt.want {
				t.Errorf("got budget %v, want %v", p.budget, tt.want)
			}
		})
	}
}

// TestPacerLimits checks that long runs of slow or fast frames stay
// within the limits and that the budget comes back from the floor.
func TestPacerLimits(t *testing.T) {
	p := newPacer("gpu")
	for range 100 {
		p.observe(time.Second, true)
	}
	if p.budget != minTriBudget {
		t.Errorf("after slow frames: got %v, want the minimum %v", p.budget, minTriBudget)
	}
	for range 200 {
		p.observe(time.Millisecond, true)
		if p.budget < minTriBudget || p.budget > maxTriBudget {
			t.Fatalf("got %v, want within [%v, %v]", p.budget, minTriBudget, maxTriBudget)
		}
	}
	if p.budget != maxTriBudget {
		t.Errorf("after fast frames: got %v, want the maximum %v", p.budget, maxTriBudget)
	}
}

func TestPacerAllow(t *testing.T) {
	p := pacer{target: paceTarget, budget: 10_000}
	for _, tt := range []struct {
		name        string
		spent, tris int
		want        bool
	}{
		{"the first view, however big", 0, 1_000_000, true},
		{"the first view, small", 0, 10, true},
		{"a view that fits", 4000, 6000, true},
		{"a view that just does not fit", 4000, 6001, false},
		{"after the budget is spent", 10_000, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.allow(tt.spent, tt.tris); got != tt.want {
				t.Errorf("allow(%d, %d) with budget %v: got %v, want %v", tt.spent, tt.tris, p.budget, got, tt.want)
			}
		})
	}
}
