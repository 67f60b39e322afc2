package render

import (
	"embed"
	"fmt"
	"image"
	"image/color"
	"time"

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
//  1. depth_hi: every front-facing triangle writes the high byte of its
//     depth; the minimum blend keeps the nearest per pixel;
//  2. depth_lo: triangles whose high byte matches write their low byte,
//     again keeping the minimum;
//  3. color: triangles whose 16-bit depth equals the stored one are shaded.
//
// Near and far hug the content's bounding box (scene.Camera.NearFar), which
// makes 16 bits as good as 24 (measured in NOTES.md). The CPU projects the
// vertices and culls back faces, halving the work of every pass.
//
// A GPU may be used only from the game's goroutine (Update and Draw).
type GPU struct {
	hi, lo, color *ebiten.Shader
	depthHi       *ebiten.Image                // high bytes of the nearest depth
	depthLo       *ebiten.Image                // low bytes
	buffers       map[bufferKey][]*meshBuffers // a mesh drawn by several items of a view needs buffers for each
	uses          map[bufferKey]int            // buffers of each key used so far in the view being drawn
	geo           geometry
	clippedIdx    []uint32
	uniforms      map[string]any
	draws         []gpuDraw
}

// gpuDraw is one item's share of a view's passes.
type gpuDraw struct {
	verts []ebiten.Vertex
	idx   []uint32
	color mesh.Color
}

var _ Renderer = (*GPU)(nil)

// NewGPU returns a GPU renderer. Its shaders are compiled on first use.
func NewGPU() *GPU {
	return &GPU{buffers: map[bufferKey][]*meshBuffers{}, uses: map[bufferKey]int{}, uniforms: map[string]any{}}
}

// Name returns "gpu".
func (g *GPU) Name() string { return string(KindGPU) }

// Prepare turns m into vertex and index buffers, converting for at most
// budget (zero means until done); see Renderer.
func (g *GPU) Prepare(m *mesh.Mesh, budget time.Duration) bool {
	return g.buffersFor(m, m.Colors != nil, 0).prepare(budget)
}

// buffersFor returns the buffers for the n-th item of a view that draws m
// in the given layout, making them if needed.
func (g *GPU) buffersFor(m *mesh.Mesh, soup bool, n int) *meshBuffers {
	k := bufferKey{m, soup}
	bs := g.buffers[k]
	for len(bs) <= n {
		bs = append(bs, newMeshBuffers(m, soup))
		g.buffers[k] = bs
	}
	return bs[n]
}

// Forget drops the buffers of m; see Renderer.
func (g *GPU) Forget(m *mesh.Mesh) {
	delete(g.buffers, bufferKey{m, false})
	delete(g.buffers, bufferKey{m, true})
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
	g.hi, g.lo, g.color = compile("depth_hi"), compile("depth_lo"), compile("color")
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
	g.geo.clipped = g.geo.clipped[:0]
	g.draws = g.draws[:0]
	clear(g.uses)
	for i := range v.Items {
		it := &v.Items[i]
		m := it.Mesh
		if m == nil || m.Faces() == 0 {
			continue
		}
		k := bufferKey{m, v.Wireframe || m.Colors != nil}
		b := g.buffersFor(m, k.soup, g.uses[k])
		g.uses[k]++
		b.prepare(0)
		t := newTransform(&f, it.Model)
		g.geo.project(&t, it, b)
		if len(b.idx) > 0 {
			g.draws = append(g.draws, gpuDraw{b.verts, b.idx, itemColor(it)})
		}
	}
	if n := len(g.geo.clipped); n > 0 {
		for len(g.clippedIdx) < n {
			g.clippedIdx = append(g.clippedIdx, uint32(len(g.clippedIdx)))
		}
		g.draws = append(g.draws, gpuDraw{g.geo.clipped, g.clippedIdx[:n], mesh.Color{}})
	}
	if len(g.draws) == 0 {
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
	l, wc := scene.LightDir(), scene.WireColor
	inv := f.Projection.Inv()
	u["InvProjection"] = inv[:]
	u["ViewportCenter"] = []float32{float32(f.Viewport.Min.X) + float32(f.Viewport.Dx())/2, float32(f.Viewport.Min.Y) + float32(f.Viewport.Dy())/2}
	u["ViewportHalf"] = []float32{float32(f.Viewport.Dx()) / 2, float32(f.Viewport.Dy()) / 2}
	u["Ambient"], u["Diffuse"] = scene.Ambient, scene.Diffuse
	u["LightDir"] = []float32{l[0], l[1], l[2]}
	u["Wireframe"] = float32(0)
	if v.Wireframe {
		u["Wireframe"] = float32(1)
	}
	u["WireColor"] = []float32{float32(wc.R) / 255, float32(wc.G) / 255, float32(wc.B) / 255, 1}
	u["WireHalfWidth"] = scene.WireWidth / 2
	for _, d := range g.draws {
		u["ItemColor"] = []float32{float32(d.color.R) / 255, float32(d.color.G) / 255, float32(d.color.B) / 255}
		target.DrawTrianglesShader32(d.verts, d.idx, g.color, &ebiten.DrawTrianglesShaderOptions{
			Uniforms: u, Images: [4]*ebiten.Image{g.depthHi, g.depthLo},
		})
	}
}

// Triangles returns how many triangles the last Draw kept after culling.
func (g *GPU) Triangles() int { return g.geo.faces }

// Dispose frees the depth images, shaders and buffers; see Renderer.
func (g *GPU) Dispose() {
	g.disposeTargets()
	for _, s := range []*ebiten.Shader{g.hi, g.lo, g.color} {
		if s != nil {
			s.Deallocate()
		}
	}
	g.hi, g.lo, g.color = nil, nil, nil
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
