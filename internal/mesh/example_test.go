package mesh_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stlview/stlview/internal/mesh"
)

func ExampleDecode() {
	const cube = `solid tri
  facet normal 0 0 0
    outer loop
      vertex 0 0 0
      vertex 1 0 0
      vertex 0 1 0
    endloop
  endfacet
endsolid tri
`
	m, err := mesh.Decode(strings.NewReader(cube), int64(len(cube)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Format, m.Faces(), m.Solids[0].Name, m.Normal(0), m.Bounds.Size())
	// Output: ascii 1 tri [0 0 1] [1 1 0]
}

func ExampleDecode_error() {
	data := []byte("solid x\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 oops\n")
	_, err := mesh.Decoder{Path: "part.stl"}.Decode(context.Background(), bytes.NewReader(data), int64(len(data)))
	fmt.Println(err)
	fmt.Println(errors.Is(err, mesh.ErrSyntax))
	// Output:
	// stl: part.stl: line 4: syntax error: vertex coordinate "oops" is not a number
	// true
}

func ExampleMesh_Indexed() {
	m := mesh.Cuboid([3]float32{0, 0, 0}, [3]float32{1, 1, 1})
	x := m.Indexed()
	fmt.Println(m.Vertices(), "corners,", x.Vertices(), "vertices,", len(x.Indices), "indices")
	// Output: 36 corners, 8 vertices, 36 indices
}
