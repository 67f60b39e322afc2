package ui

import "time"

// pacer sizes each frame's share of gallery drawing from the frame
// intervals it causes. Drawing cells costs what the renderer and the
// machine make it cost (a real GPU, Mesa's llvmpipe, the CPU rasterizer),
// and with OpenGL much of it is paid after Draw returns, so rather than
// predict it the pacer watches the result: after a frame that drew cells,
// an interval over target shrinks the triangle budget in proportion, and
// one well under it lets the budget grow. Only the game goroutine may use
// a pacer.
type pacer struct {
	target time.Duration
	budget float64 // triangles a frame may draw
}

// Pacing limits.
const (
	paceTarget    = 20 * time.Millisecond // aim under the 25 ms a frame the eye notices
	minTriBudget  = 2_000
	maxTriBudget  = 20_000_000
	startTriCPU   = 300_000 // the CPU rasterizer: about 10 ns a triangle on two cores
	startTriOther = 50_000  // the GPU passes under llvmpipe: about 160 ns a triangle
)

func newPacer(renderer string) pacer {
	p := pacer{target: paceTarget, budget: startTriOther}
	if renderer == "cpu" {
		p.budget = startTriCPU
	}
	return p
}

// observe learns from the interval that followed a frame; drew says
// whether that frame drew gallery cells (only those frames tell the cost).
func (p *pacer) observe(interval time.Duration, drew bool) {
	if !drew || interval <= 0 {
		return
	}
	switch {
	case interval > p.target:
		p.budget *= float64(p.target) / float64(interval)
	case interval < p.target*3/4:
		p.budget *= 1.25
	}
	p.budget = min(max(p.budget, minTriBudget), maxTriBudget)
}

// allow reports whether a view of tris triangles fits in the frame after
// spent triangles; the first view of a frame always does.
func (p *pacer) allow(spent, tris int) bool {
	return spent == 0 || float64(spent+tris) <= p.budget
}
