package asyncload

import (
	"io"
	"math"

	"github.com/go-gl/mathgl/mgl32"

	"github.com/stlview/stlview/internal/mesh"
)

// Previews: a big binary file is sampled before it decodes, a few
// thousand reads spread over it, and the sample is shown until the mesh
// is ready, so the whole shape is on screen within a fraction of the
// decode's time. A sample of one face in k covers a k-th of the surface;
// each sampled face is grown about its centre by 2√k, four times the area
// of the faces it stands for, so that the faces together cover the
// surface with few gaps (the picks are random, so some places get fewer),
// as splats cover a surface. Faces that would then grow beyond
// maxGrownEdge of the part's size are grown less: a part's few big
// faces would otherwise jut out of it.

// maxGrowth bounds how much a preview's face is grown.
const maxGrowth = 12

// maxGrownEdge is the longest edge a grown face may reach, as a fraction
// of the sample's bounding diagonal.
const maxGrownEdge = 1.0 / 64

// Preview returns the rough mesh of the binary STL r of size bytes, of
// about faces faces, its faces grown to cover the surface as the file's
// do, or nil when r is not a binary file of more than four times as many
// faces (or cannot be read). A small picture of a big file (a thumbnail)
// can be drawn from it.
func Preview(r io.ReaderAt, size int64, faces int) *mesh.Mesh {
	if size < 84+50*4*int64(faces) {
		return nil
	}
	s, err := mesh.SampleBinary(r, size, faces)
	if err != nil || s.Faces() == 0 || s.FacesRead <= 4*faces {
		return nil
	}
	grow(s, 2*float32(math.Sqrt(float64(s.FacesRead)/float64(s.Faces()))))
	return s
}

// grow scales each face of the soup m about its centroid by k, at most
// maxGrowth and at most so far that its longest edge reaches maxGrownEdge
// of m's bounding diagonal. Bounds and normals stay as they are (the
// normals do not change; the bounds grow by less than a face).
func grow(m *mesh.Mesh, k float32) {
	k = min(k, maxGrowth)
	if k <= 1 {
		return
	}
	limit := m.Bounds.Size().Len() * maxGrownEdge
	pos := m.Positions
	for f := 0; f+9 <= len(pos); f += 9 {
		a := mgl32.Vec3{pos[f], pos[f+1], pos[f+2]}
		b := mgl32.Vec3{pos[f+3], pos[f+4], pos[f+5]}
		c := mgl32.Vec3{pos[f+6], pos[f+7], pos[f+8]}
		longest := max(b.Sub(a).Len(), c.Sub(b).Len(), a.Sub(c).Len())
		s := k
		if longest*s > limit {
			s = max(1, limit/longest)
		}
		centre := a.Add(b).Add(c).Mul(1.0 / 3)
		for i, p := range [3]mgl32.Vec3{a, b, c} {
			q := centre.Add(p.Sub(centre).Mul(s))
			copy(pos[f+3*i:f+3*i+3], q[:])
		}
	}
}
