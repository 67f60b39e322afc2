package ui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/stlview/stlview/internal/asyncload"
	"github.com/stlview/stlview/internal/edges"
	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
	"github.com/stlview/stlview/internal/shading"
)

// Data derived from a loaded mesh for the looks the user turns on (smooth
// shading, feature edges) is made on the loader's workers the first time
// an entry is shown with the look on, and kept in the Store with the
// entry, under the budget; until it is ready the entry is drawn without
// it. Turning the look off lets the memory go.

// deriveKey names one piece of derived data of one Store entry.
type deriveKey struct {
	se   *asyncload.Entry
	kind string
}

// maxEdgeFaces is the most faces feature edges are found on: a bigger
// mesh's edges come from its finest level of at most this many faces,
// whose sharp edges the simplifier keeps (the full mesh's search would
// need 16 bytes a corner).
const maxEdgeFaces = 2_000_000

// maxFeatureEdges bounds the feature edges kept for a mesh.
const maxFeatureEdges = 1_000_000

// kindLevels is the Store's name for the levels of detail the Game builds.
const kindLevels = "levels"

func (g *Game) smoothKind() string { return fmt.Sprintf("smooth:%g", g.crease) }
func (g *Game) edgesKind() string  { return fmt.Sprintf("edges:%g", g.crease) }

// smoothOf returns e's corner normals for smooth shading when smooth
// shading is on, asking for them if they are not made yet; nil shades
// flat.
func (g *Game) smoothOf(e *Entry) map[*mesh.Mesh][]uint32 {
	se := e.Stored()
	if !g.smooth || se == nil {
		return nil
	}
	kind := g.smoothKind()
	if v, ok := se.Derived(kind).(map[*mesh.Mesh][]uint32); ok {
		return v
	}
	if g.levelsPending(se) {
		return nil // the normals are made for the levels too, once they are there
	}
	crease := g.crease * math.Pi / 180
	levels := e.Levels()
	g.derive(se, kind, asyncload.Normal, func(ctx context.Context, threads int) (any, int64, error) {
		out := map[*mesh.Mesh][]uint32{}
		var bytes int64
		// Coarsest first: they are quick, and a cancelled job has spent
		// the least.
		ms := slices.Clone(levels)
		slices.Reverse(ms)
		for _, m := range append(ms, se.Mesh) {
			ns, err := shading.Smooth(ctx, m, crease, threads)
			if err != nil {
				return nil, 0, err
			}
			out[m] = ns
			bytes += 4 * int64(len(ns))
		}
		return out, bytes, nil
	})
	return nil
}

// featureLines returns e's feature edges as lines when the overlay is
// on, asking for them if they are not found yet.
func (g *Game) featureLines(e *Entry) []scene.Line {
	se := e.Stored()
	if !g.edges || se == nil {
		return nil
	}
	kind := g.edgesKind()
	if v, ok := se.Derived(kind).([]scene.Line); ok {
		return v
	}
	if g.levelsPending(se) {
		return nil // a big mesh's edges come from a level
	}
	angle := g.crease * math.Pi / 180
	levels := e.Levels()
	g.derive(se, kind, asyncload.Normal, func(ctx context.Context, threads int) (any, int64, error) {
		m := se.Mesh
		for _, lv := range levels {
			if m.Faces() <= maxEdgeFaces {
				break
			}
			m = lv
		}
		es, err := edges.Feature(ctx, m, angle, maxFeatureEdges)
		if err != nil {
			return nil, 0, err
		}
		lines := edges.Lines(es)
		return lines, int64(len(lines)) * 32, nil
	})
	return nil
}

// levelsWant is a loaded mesh whose levels are to be built, and when it
// loaded.
type levelsWant struct {
	se *asyncload.Entry
	at time.Time
}

// levelsWait is the longest the focused mesh's levels wait for its first
// full-detail picture.
const levelsWait = 2 * time.Second

// startLevels asks for the levels of the meshes that loaded, but those of
// the focused mesh only once its full-detail picture is shown (or after
// levelsWait): both take the cores, and the full picture is what the user
// waits for; moving frames meanwhile draw the preview.
func (g *Game) startLevels(now time.Time) {
	keep := g.levelsWanted[:0]
	for _, w := range g.levelsWanted {
		focused := g.view.entry != nil && g.view.entry.Stored() == w.se
		if focused && !g.view.rested && now.Sub(w.at) < levelsWait {
			keep = append(keep, w)
			continue
		}
		g.buildLevels(w.se)
	}
	clear(g.levelsWanted[len(keep):])
	g.levelsWanted = keep
}

// buildLevels asks for se's levels of detail (Options.Levels), at high
// priority: a mesh is shown at full detail as soon as it is loaded, and
// its levels, which moving frames draw, follow.
func (g *Game) buildLevels(se *asyncload.Entry) {
	build := g.opt.Levels
	if build == nil || len(se.Levels) > 0 {
		return
	}
	g.derive(se, kindLevels, asyncload.High, func(ctx context.Context, threads int) (any, int64, error) {
		levels, err := build(ctx, se.Mesh, threads)
		if err != nil {
			return nil, 0, err
		}
		var bytes int64
		for _, lv := range levels {
			bytes += lv.SizeBytes()
		}
		return levels, bytes, nil
	})
}

// building reports whether levels of detail are wanted or being built.
func (g *Game) building() bool {
	if len(g.levelsWanted) > 0 {
		return true
	}
	for key := range g.deriving {
		if key.kind == kindLevels && key.se.Derived(kindLevels) == nil {
			return true
		}
	}
	return false
}

// levelsPending reports whether se's levels are wanted or being built.
func (g *Game) levelsPending(se *asyncload.Entry) bool {
	if slices.ContainsFunc(g.levelsWanted, func(w levelsWant) bool { return w.se == se }) {
		return true
	}
	_, asked := g.deriving[deriveKey{se, kindLevels}]
	return asked && se.Derived(kindLevels) == nil
}

// derive runs work for se on the loader's workers, once per kind, at
// priority p, and stores what it makes in the Store under kind. The entry
// is pinned while work runs. A failure is shown as a notice.
func (g *Game) derive(se *asyncload.Entry, kind string, p asyncload.Priority, work func(ctx context.Context, threads int) (any, int64, error)) {
	store := g.opt.Store
	key := deriveKey{se, kind}
	if _, asked := g.deriving[key]; store == nil || asked {
		return
	}
	name := fmt.Sprintf("%s:%s:%p", kind, se.Key, se.Mesh)
	h, err := g.opt.Loader.Do(name, p, func(ctx context.Context, threads int) error {
		store.Pin(se)
		defer store.Unpin(se)
		v, bytes, err := work(ctx, threads)
		if err != nil {
			return err
		}
		store.SetDerived(se, kind, v, bytes)
		g.derivedDone.Add(1)
		return nil
	})
	if err != nil {
		g.setNotice(kind + ": " + explainShort(err))
		return
	}
	g.deriving[key] = h
}

// dropDerived lets go of the derived data of kind of every entry, when
// its look is turned off, and forgets that it was asked for.
func (g *Game) dropDerived(kind string) {
	for key, h := range g.deriving {
		if key.kind == kind {
			g.opt.Loader.Cancel(h)
			if g.opt.Store != nil {
				g.opt.Store.DropDerived(key.se, kind)
			}
			delete(g.deriving, key)
		}
	}
}
