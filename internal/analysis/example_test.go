package analysis_test

import (
	"context"
	"fmt"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/analysis"
	"github.com/stlview/stlview/internal/mesh"
)

func ExampleAnalyze() {
	box := mesh.Cuboid(mgl32.Vec3{0, 0, 0}, mgl32.Vec3{10, 20, 30}).Indexed()
	r, err := analysis.Analyze(context.Background(), box, analysis.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	v, ok := r.Volume()
	fmt.Println(r.Faces, "faces, area", r.Area, "volume", v, ok, "shells", r.Shells)

	// Without its last side (two faces), the box is open: no volume, one hole.
	open := *box
	open.Indices = box.Indices[:len(box.Indices)-6]
	r, err = analysis.Analyze(context.Background(), &open, analysis.Options{MaxProblemEdges: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	v, ok = r.Volume()
	fmt.Println(r.BoundaryEdges, "boundary edges,", r.Holes, "hole, volume", v, ok, "first edge", r.ProblemEdges[0])
	// Output:
	// 12 faces, area 2200 volume 6000 true shells 1
	// 4 boundary edges, 1 hole, volume 0 false first edge {[10 20 0] [10 0 0] 1}
}
