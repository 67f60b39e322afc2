package ui

import (
	"context"
	"fmt"
	"image/color"
	"time"

	"github.com/stlview/stlview/internal/analysis"
	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/render/scene"
)

// kindAnalysis is the Store's name for an entry's analysis.
const kindAnalysis = "analysis"

// The analysis of a big mesh takes about 32 bytes a face and both cores
// for a while: above bigAnalysis faces it waits until nothing has changed
// on screen for analyseAfter (no load, no move, the picture refined), so
// that it neither slows the first pictures and the refinement nor adds
// its memory to theirs.
const (
	bigAnalysis  = 2_000_000
	analyseAfter = 1500 * time.Millisecond
)

// maxProblemEdges bounds the boundary and non-manifold edges an analysis
// keeps for the overlay.
const maxProblemEdges = 200_000

// analyse measures se's mesh on the loader's workers, at low priority, so
// loads (and the first pictures) go first; the report joins se in the
// Store, where the panel and the overlay find it.
func (g *Game) analyse(se *asyncload.Entry) {
	store := g.opt.Store
	if store == nil {
		return
	}
	m := se.Mesh
	name := fmt.Sprintf("analysis:%s:%p", se.Key, m)
	h, err := g.opt.Loader.Do(name, asyncload.Low, func(ctx context.Context, threads int) error {
		store.Pin(se)
		defer store.Unpin(se)
		rep, err := analysis.Analyze(ctx, m, analysis.Options{Workers: threads, MaxProblemEdges: maxProblemEdges})
		if err != nil {
			return err
		}
		store.SetDerived(se, kindAnalysis, rep, int64(256+32*len(rep.ProblemEdges)))
		return nil
	})
	if err != nil {
		g.setNotice("analysis: " + explainShort(err))
		return
	}
	g.analysing[se] = h
}

// reportOf returns e's analysis, or nil until it is done.
func reportOf(e *Entry) *analysis.Report {
	if e == nil {
		return nil
	}
	se := e.Stored()
	if se == nil {
		return nil
	}
	rep, _ := se.Derived(kindAnalysis).(*analysis.Report)
	return rep
}

// Colours of the problem-edge overlay.
var (
	boundaryColor    = color.RGBA{255, 210, 40, 255} // edges of holes
	nonManifoldColor = color.RGBA{240, 60, 230, 255} // edges of three or more faces
	measureColor     = color.RGBA{60, 230, 255, 255}
)

// problemLines returns the overlay of e's boundary edges (yellow) and
// non-manifold edges (magenta), or nil before the analysis is done.
// The lines are made once per report and kept; the caller must not change
// them.
func (g *Game) problemLines(e *Entry) []scene.Line {
	rep := reportOf(e)
	if rep == nil {
		return nil
	}
	if g.problemsOf == rep {
		return g.problemCache
	}
	lines := make([]scene.Line, 0, len(rep.ProblemEdges))
	for _, pe := range rep.ProblemEdges {
		c := boundaryColor
		if pe.Faces > 2 {
			c = nonManifoldColor
		}
		lines = append(lines, scene.Line{A: pe.A, B: pe.B, Color: c})
	}
	g.problemsOf, g.problemCache = rep, lines
	return lines
}
