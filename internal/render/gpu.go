package render

import (
	"embed"
	"fmt"
	"image"
	"image/color"
	"math"
	"time"

	"github.com/go-gl/mathgl/mgl32"
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/stlview/stlview/internal/mesh"
	"github.com/stlview/stlview/internal/render/scene"
)

//go:embed shaders/*.kage
var shaderFS embed.FS

// GPU is the depth-pass backend. Ebitengine has no depth buffer, and a
// back-to-front sort of triangles is visibly wrong where surfaces cross,
// so GPU builds a 16-bit z-buffer in two RGBA8 images with minimum blends:
//
//  1. depth_hi: every triangle writes the high byte of its depth; the
//     minimum blend keeps the nearest per pixel;
//  2. depth_lo: triangles whose high byte matches write their low byte,
//     again keeping the minimum;
//  3. color: triangles whose 16-bit depth equals the stored one are shaded,
//     those seen from the front, then those seen from behind (lit alike,
//     or tinted, or as a section's cap: see scene.View);
//  4. line: the view's lines, where they are not behind the faces.
//
// Near and far hug the content's bounding box (scene.Camera.NearFar), which
// makes 16 bits as good as 24 (measured in NOTES.md). The CPU projects the
// vertices, culls what an item allows it to (scene.Item.Cull) and cuts
// what crosses the near plane or a section.
//
// A GPU may be used only from the game's goroutine (Update and Draw).
type GPU struct {
	hi, lo, color, line *ebiten.Shader
	depthHi             *ebiten.Image                // high bytes of the nearest depth
	depthLo             *ebiten.Image                // low bytes
	buffers             map[bufferKey][]*meshBuffers // a mesh drawn by several items of a view needs buffers for each
	uses                map[bufferKey]int            // buffers of each key used so far in the view being drawn
	geo                 geometry
	clippedIdx          []uint32
	uniforms            map[string]any
	draws               []gpuDraw
	lineVerts           []ebiten.Vertex
	lineIdx             []uint32
	cost                scene.Cost
}

// gpuDraw is one item's share of a view's passes: its vertices and the
// indices of its faces, the first nfront of them seen from the front.
type gpuDraw struct {
	verts  []ebiten.Vertex
	idx    []uint32
	nfront int
	color  mesh.Color
}

// gpuPrior is the GPU backend's cost until Choose measures it: what the
// depth passes cost under Mesa's llvmpipe on the project's machine.
var gpuPrior = scene.Cost{Fixed: 2e6, PerPixel: 10, PerFace: 160}

var _ Renderer = (*GPU)(nil)

// NewGPU returns a GPU renderer. Its shaders are compiled on first use.
func NewGPU() *GPU {
	return &GPU{buffers: map[bufferKey][]*meshBuffers{}, uses: map[bufferKey]int{}, uniforms: map[string]any{}, cost: gpuPrior}
}

// Cost returns the backend's cost: an estimate until Choose has measured
// it on this machine. The time Draw takes on the CPU says little of what
// the GPU does after it returns, so frames do not refine it.
func (g *GPU) Cost() scene.Cost { return g.cost }

// Name returns "gpu".
func (g *GPU) Name() string { return string(KindGPU) }

// Prepare turns m into vertex and index buffers, converting for at most
// budget (zero means until done); see Renderer.
func (g *GPU) Prepare(m *mesh.Mesh, budget time.Duration) bool {
	return g.buffersFor(bufferKey{m, m.Colors != nil, false}, 0).prepare(budget)
}

// buffersFor returns the buffers for the n-th item of a view that draws
// k's mesh in k's layout, making them if needed.
func (g *GPU) buffersFor(k bufferKey, n int) *meshBuffers {
	bs := g.buffers[k]
	for len(bs) <= n {
		bs = append(bs, newMeshBuffers(k))
		g.buffers[k] = bs
	}
	return bs[n]
}

// layouts are the keys a mesh's buffers may have, less the mesh.
var layouts = [...]bufferKey{{soup: false}, {soup: true}, {soup: true, smooth: true}}

// Bytes returns the memory of m's vertex and index buffers; see Renderer.
func (g *GPU) Bytes(m *mesh.Mesh) int64 {
	var n int64
	for _, k := range layouts {
		k.mesh = m
		for _, b := range g.buffers[k] {
			n += b.bytes()
		}
	}
	return n
}

// Forget drops the buffers of m; see Renderer.
func (g *GPU) Forget(m *mesh.Mesh) {
	for _, k := range layouts {
		k.mesh = m
		delete(g.buffers, k)
	}
}

// minBlend keeps the smaller of the source and destination values.
var minBlend = ebiten.Blend{
	BlendFactorSourceRGB:        ebiten.BlendFactorOne,
	BlendFactorSourceAlpha:      ebiten.BlendFactorOne,
	BlendFactorDestinationRGB:   ebiten.BlendFactorOne,
	BlendFactorDestinationAlpha: ebiten.BlendFactorOne,
	BlendOperationRGB:           ebiten.BlendOperationMin,
	BlendOperationAlpha:         ebiten.BlendOperationMin,
}

// Draw draws views into dst; see Renderer.
func (g *GPU) Draw(dst *ebiten.Image, views []scene.View) {
	if g.color == nil {
		g.compile()
	}
	g.ensureTargets(dst.Bounds().Size())
	g.geo.faces = 0
	for i := range views {
		g.drawView(dst, &views[i])
	}
}

// compile compiles the shaders. They are part of the program, so an error
// is a bug, not bad input: it panics.
func (g *GPU) compile() {
	compile := func(name string) *ebiten.Shader {
		src, err := shaderFS.ReadFile("shaders/" + name + ".kage")
		if err != nil {
			panic(fmt.Sprintf("render: shader %s: %v", name, err))
		}
		s, err := ebiten.NewShader(src)
		if err != nil {
			panic(fmt.Sprintf("render: shader %s: %v", name, err))
		}
		return s
	}
	g.hi, g.lo, g.color, g.line = compile("depth_hi"), compile("depth_lo"), compile("color"), compile("line")
}

// ensureTargets makes the depth images the size of the target.
func (g *GPU) ensureTargets(size image.Point) {
	if g.depthHi != nil && g.depthHi.Bounds().Size() == size {
		return
	}
	g.disposeTargets()
	opts := &ebiten.NewImageOptions{Unmanaged: true}
	g.depthHi = ebiten.NewImageWithOptions(image.Rectangle{Max: size}, opts)
	g.depthLo = ebiten.NewImageWithOptions(image.Rectangle{Max: size}, opts)
}

func (g *GPU) drawView(dst *ebiten.Image, v *scene.View) {
	vp := v.Viewport.Intersect(dst.Bounds())
	if vp.Empty() {
		return
	}
	target := dst.SubImage(vp).(*ebiten.Image)
	target.Fill(v.Background)
	f := v.Frame()
	g.geo.clipped, g.geo.clipBack = g.geo.clipped[:0], g.geo.clipBack[:0]
	g.draws = g.draws[:0]
	clear(g.uses)
	for i := range v.Items {
		it := &v.Items[i]
		m := it.Level(v.MaxFaces)
		if m == nil || m.Faces() == 0 {
			continue
		}
		smooth := it.CornerNormals(m) != nil
		k := bufferKey{m, v.Wireframe || m.Colors != nil || smooth, smooth}
		b := g.buffersFor(k, g.uses[k])
		g.uses[k]++
		b.prepare(0)
		t := newTransform(&f, v, it)
		g.geo.project(&t, it, m, b)
		if len(b.idx) > 0 {
			g.draws = append(g.draws, gpuDraw{b.verts, b.idx, b.nfront, itemColor(it)})
		}
	}
	if n := len(g.geo.clipped); n > 0 {
		// Front triangles first, then the others, as for the items.
		for len(g.clippedIdx) < n {
			g.clippedIdx = append(g.clippedIdx, uint32(len(g.clippedIdx)))
		}
		idx := make([]uint32, 0, n)
		for _, back := range []bool{false, true} {
			for t, b := range g.geo.clipBack {
				if b == back {
					idx = append(idx, uint32(3*t), uint32(3*t+1), uint32(3*t+2))
				}
			}
		}
		nfront := 3 * (len(g.geo.clipBack) - countTrue(g.geo.clipBack))
		g.draws = append(g.draws, gpuDraw{g.geo.clipped, idx, nfront, mesh.Color{}})
	}
	lines := g.lineQuads(&f, v)
	if len(g.draws) == 0 && !lines {
		return
	}

	hi := g.depthHi.SubImage(vp).(*ebiten.Image)
	lo := g.depthLo.SubImage(vp).(*ebiten.Image)
	hi.Fill(color.White) // the farthest depth
	lo.Fill(color.White)
	u := g.uniforms
	for _, d := range g.draws {
		hi.DrawTrianglesShader32(d.verts, d.idx, g.hi, &ebiten.DrawTrianglesShaderOptions{Blend: minBlend})
	}
	for _, d := range g.draws {
		lo.DrawTrianglesShader32(d.verts, d.idx, g.lo, &ebiten.DrawTrianglesShaderOptions{
			Blend: minBlend, Uniforms: u, Images: [4]*ebiten.Image{g.depthHi},
		})
	}
	l, wc, bc, cc := scene.LightDir(), scene.WireColor, scene.BackColor, scene.CapColor
	inv := f.Projection.Inv()
	px := f.Pixels()
	u["InvProjection"] = inv[:]
	u["ViewportCenter"] = []float32{px.CX, px.CY}
	u["ViewportHalf"] = []float32{px.SX, px.SY}
	u["Ambient"], u["Diffuse"] = scene.Ambient, scene.Diffuse
	u["LightDir"] = []float32{l[0], l[1], l[2]}
	u["Wireframe"] = float32(0)
	if v.Wireframe {
		u["Wireframe"] = float32(1)
	}
	u["WireColor"] = []float32{float32(wc.R) / 255, float32(wc.G) / 255, float32(wc.B) / 255, 1}
	u["WireHalfWidth"] = scene.WireWidth / 2 * v.PixelScale()
	u["BackColor"] = []float32{float32(bc.R) / 255, float32(bc.G) / 255, float32(bc.B) / 255}
	u["CapColor"] = []float32{float32(cc.R) / 255, float32(cc.G) / 255, float32(cc.B) / 255}
	switch {
	case v.Section != nil:
		u["BackMode"] = float32(2)
	case v.BackTint:
		u["BackMode"] = float32(1)
	default:
		u["BackMode"] = float32(0)
	}
	for _, d := range g.draws {
		u["ItemColor"] = []float32{float32(d.color.R) / 255, float32(d.color.G) / 255, float32(d.color.B) / 255}
		for back, idx := range [2][]uint32{d.idx[:d.nfront], d.idx[d.nfront:]} {
			if len(idx) == 0 {
				continue
			}
			u["Back"] = float32(back)
			target.DrawTrianglesShader32(d.verts, idx, g.color, &ebiten.DrawTrianglesShaderOptions{
				Uniforms: u, Images: [4]*ebiten.Image{g.depthHi, g.depthLo},
			})
		}
	}
	if lines {
		target.DrawTrianglesShader32(g.lineVerts, g.lineIdx, g.line, &ebiten.DrawTrianglesShaderOptions{
			Uniforms: map[string]any{"Bias": float32(lineDepthBias / 2)}, Images: [4]*ebiten.Image{g.depthHi, g.depthLo},
		})
	}
}

// lineDepthBias is how much nearer than the surface lines are drawn, in
// NDC depth, as package raster draws them.
const lineDepthBias = 2e-3

// lineQuads turns v's lines, cut to the near plane and the section, into
// screen quads LineWidth wide in g.lineVerts and g.lineIdx, and reports
// whether there are any.
func (g *GPU) lineQuads(f *scene.Frame, v *scene.View) bool {
	g.lineVerts, g.lineIdx = g.lineVerts[:0], g.lineIdx[:0]
	if len(v.Lines) == 0 {
		return false
	}
	planes := [][4]float64{scene.NearPlane}
	if v.Section != nil {
		planes = append(planes, f.ClipPlane(v.Section.Plane()))
	}
	px := f.Pixels()
	hw := scene.LineWidth / 2 * v.PixelScale()
	for _, l := range v.Lines {
		var seg [2]scene.ClipVertex
		for k, p := range [2]mgl32.Vec3{l.A, l.B} {
			c := f.ViewProjection.Mul4x1(p.Vec4(1))
			seg[k].C = [4]float64{float64(c[0]), float64(c[1]), float64(c[2]), float64(c[3])}
		}
		var out [3]scene.ClipVertex
		ok := true
		for _, pl := range planes {
			if n := scene.ClipPolygon(seg[:], pl, out[:]); n < 2 {
				ok = false
				break
			}
			seg[0], seg[1] = out[0], out[1]
		}
		if !ok || !(seg[0].C[3] > 0) || !(seg[1].C[3] > 0) {
			continue
		}
		var x, y, z [2]float32
		for k := range 2 {
			c := seg[k].C
			x[k] = px.CX + px.SX*float32(c[0]/c[3])
			y[k] = px.CY - px.SY*float32(c[1]/c[3])
			z[k] = float32((c[2]/c[3] + 1) / 2)
		}
		dx, dy := x[1]-x[0], y[1]-y[0]
		n := float32(math.Hypot(float64(dx), float64(dy)))
		if n == 0 {
			dx, dy, n = 1, 0, 1
		}
		// Half a width across and along, so the ends are square.
		ax, ay := dx/n*hw, dy/n*hw
		nx, ny := -ay, ax
		base := uint32(len(g.lineVerts))
		cr, cg, cb := float32(l.Color.R)/255, float32(l.Color.G)/255, float32(l.Color.B)/255
		// The quad's corners: each end, pushed out along the line and to
		// either side of it.
		for _, c := range [4]struct {
			end  int
			side float32
		}{{0, -1}, {0, 1}, {1, 1}, {1, -1}} {
			out := float32(2*c.end - 1)
			vx := x[c.end] + c.side*nx + out*ax
			vy := y[c.end] + c.side*ny + out*ay
			g.lineVerts = append(g.lineVerts, ebiten.Vertex{DstX: vx, DstY: vy, SrcX: vx, SrcY: vy,
				ColorR: cr, ColorG: cg, ColorB: cb, ColorA: 1, Custom0: z[c.end]})
		}
		g.lineIdx = append(g.lineIdx, base, base+1, base+2, base, base+2, base+3)
	}
	return len(g.lineIdx) > 0
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// Triangles returns how many triangles the last Draw kept after culling.
func (g *GPU) Triangles() int { return g.geo.faces }

// Dispose frees the depth images, shaders and buffers; see Renderer.
func (g *GPU) Dispose() {
	g.disposeTargets()
	for _, s := range []*ebiten.Shader{g.hi, g.lo, g.color, g.line} {
		if s != nil {
			s.Deallocate()
		}
	}
	g.hi, g.lo, g.color, g.line = nil, nil, nil, nil
	clear(g.buffers)
}

func (g *GPU) disposeTargets() {
	for _, img := range []*ebiten.Image{g.depthHi, g.depthLo} {
		if img != nil {
			img.Deallocate()
		}
	}
	g.depthHi, g.depthLo = nil, nil
}

// itemColor returns the base colour of it's faces that have none of
// their own.
func itemColor(it *scene.Item) mesh.Color {
	if it.Color.A == 0 {
		return scene.DefaultColor
	}
	return it.Color
}
