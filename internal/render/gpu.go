package render

import (
	"embed"
	"fmt"
	"image"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"

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
// A GPU may be used only from the game's Draw goroutine.
type GPU struct {
	hi, lo, color *ebiten.Shader
	depthHi       *ebiten.Image // high bytes of the nearest depth
	depthLo       *ebiten.Image // low bytes
	geo           geometry
	uniforms      map[string]any
	err           error // from compiling the shaders, reported once by Draw
}

var _ Renderer = (*GPU)(nil)

// NewGPU returns a GPU renderer. Its shaders are compiled on first use.
func NewGPU() *GPU { return &GPU{uniforms: map[string]any{}} }

// Name returns "gpu".
func (g *GPU) Name() string { return string(KindGPU) }

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
	if err := g.init(); err != nil {
		panic(err) // the shaders are part of the program: a bug, not an input
	}
	g.ensureTargets(dst.Bounds().Size())
	for i := range views {
		g.drawView(dst, &views[i])
	}
}

func (g *GPU) init() error {
	if g.color != nil || g.err != nil {
		return g.err
	}
	compile := func(name string) *ebiten.Shader {
		src, err := shaderFS.ReadFile("shaders/" + name + ".kage")
		if err == nil {
			var s *ebiten.Shader
			if s, err = ebiten.NewShader(src); err == nil {
				return s
			}
		}
		g.err = fmt.Errorf("render: shader %s: %w", name, err)
		return nil
	}
	g.hi, g.lo, g.color = compile("depth_hi"), compile("depth_lo"), compile("color")
	return g.err
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
	g.geo.build(v, &f)
	if len(g.geo.idx) == 0 {
		return
	}
	hi := g.depthHi.SubImage(vp).(*ebiten.Image)
	lo := g.depthLo.SubImage(vp).(*ebiten.Image)
	hi.Fill(color.White) // the farthest depth
	lo.Fill(color.White)

	u := g.uniforms
	u["ViewportMin"] = []float32{float32(vp.Min.X), float32(vp.Min.Y)}
	verts, idx := g.geo.verts, g.geo.idx
	hi.DrawTrianglesShader32(verts, idx, g.hi, &ebiten.DrawTrianglesShaderOptions{Blend: minBlend})
	lo.DrawTrianglesShader32(verts, idx, g.lo, &ebiten.DrawTrianglesShaderOptions{
		Blend: minBlend, Uniforms: u, Images: [4]*ebiten.Image{g.depthHi},
	})

	l := scene.LightDir()
	wc := scene.WireColor
	u["Ambient"], u["Diffuse"] = scene.Ambient, scene.Diffuse
	u["LightDir"] = []float32{l[0], l[1], l[2]}
	u["Wireframe"] = float32(0)
	if v.Wireframe {
		u["Wireframe"] = float32(1)
	}
	u["WireColor"] = []float32{float32(wc.R) / 255, float32(wc.G) / 255, float32(wc.B) / 255, 1}
	u["WireHalfWidth"] = scene.WireWidth / 2
	target.DrawTrianglesShader32(verts, idx, g.color, &ebiten.DrawTrianglesShaderOptions{
		Uniforms: u, Images: [4]*ebiten.Image{g.depthHi, g.depthLo},
	})
}

// Triangles returns the number of triangles the last view drawn held after
// culling, for statistics.
func (g *GPU) Triangles() int { return g.geo.faces }

// Dispose frees the depth images; see Renderer.
func (g *GPU) Dispose() {
	g.disposeTargets()
	for _, s := range []*ebiten.Shader{g.hi, g.lo, g.color} {
		if s != nil {
			s.Deallocate()
		}
	}
	g.hi, g.lo, g.color = nil, nil, nil
}

func (g *GPU) disposeTargets() {
	for _, img := range []*ebiten.Image{g.depthHi, g.depthLo} {
		if img != nil {
			img.Deallocate()
		}
	}
	g.depthHi, g.depthLo = nil, nil
}
