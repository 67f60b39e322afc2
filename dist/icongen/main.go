// Icongen draws stlview's application icon: an L-shaped bracket with two
// holes, seen from above at an isometric angle, made of flat-shaded
// triangles with its mesh edges showing, on a dark rounded square. It
// writes the same drawing as a scalable SVG of plain polygons and as
// antialiased PNGs at the hicolor theme's sizes:
//
//	go run ./dist/icongen -dir assets/icons
//
// (go generate ./assets runs it). The output depends only on this file,
// so the committed icons can be checked against it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/vector"
)

// Sizes are the PNG sizes written, in pixels: the hicolor theme's usual
// application icon sizes.
var Sizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// svgSize is the nominal size of the SVG (its width and height); its
// drawing is the one of the largest PNGs.
const svgSize = 512

func main() {
	dir := flag.String("dir", ".", "write stlview.svg and stlview-SIZE.png into `DIR`")
	flag.Parse()
	if err := writeAll(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "icongen:", err)
		os.Exit(1)
	}
}

// writeAll writes the SVG and every PNG size into dir.
func writeAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := writeSVG(&b, drawing(svgSize)); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "stlview.svg"), b.Bytes(), 0o644); err != nil {
		return err
	}
	for _, s := range Sizes {
		b.Reset()
		if err := png.Encode(&b, Render(s)); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, pngName(s)), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// pngName is the file name of the PNG of size s.
func pngName(s int) string { return fmt.Sprintf("stlview-%d.png", s) }

// pt is a point of the drawing in icon units: (0, 0) is the top left
// corner and (1, 1) the bottom right one.
type pt struct{ x, y float64 }

func (p pt) add(q pt) pt             { return pt{p.x + q.x, p.y + q.y} }
func (p pt) sub(q pt) pt             { return pt{p.x - q.x, p.y - q.y} }
func (p pt) scale(k float64) pt      { return pt{p.x * k, p.y * k} }
func (p pt) cross(q pt) float64      { return p.x*q.y - p.y*q.x }
func (p pt) length() float64         { return math.Hypot(p.x, p.y) }
func (p pt) lerp(q pt, t float64) pt { return p.add(q.sub(p).scale(t)) }

// shape is one filled polygon of the drawing. Shapes are painted in
// order, each over the ones before.
type shape struct {
	pts  []pt
	fill color.NRGBA
}

// vec3 is a point of the part in its own space: x to the right and
// toward the viewer, y to the left and toward the viewer, z up.
type vec3 struct{ x, y, z float64 }

func (a vec3) add(b vec3) vec3      { return vec3{a.x + b.x, a.y + b.y, a.z + b.z} }
func (a vec3) scale(k float64) vec3 { return vec3{a.x * k, a.y * k, a.z * k} }
func (a vec3) sub(b vec3) vec3      { return vec3{a.x - b.x, a.y - b.y, a.z - b.z} }

// The bracket: a base plate of depth D and thickness T, and an upright
// of height H along its back, both W wide.
const (
	partW = 1.0
	partD = 1.0
	partT = 0.24
	partH = 0.92
)

// Colours: the part's light blue-grey, as stlview draws meshes, shaded
// for each face's normal; the background square's dark slate.
var (
	background = color.NRGBA{0x1F, 0x24, 0x30, 0xFF}
	partColor  = color.NRGBA{0xA8, 0xB4, 0xC8, 0xFF}
	edgeColor  = color.NRGBA{0x27, 0x2D, 0x3B, 0xFF}
)

// Shading factors of the three visible face directions: the light comes
// from above, a little from the left.
const (
	shadeTop   = 1.14
	shadeLeft  = 0.93
	shadeRight = 0.70
	shadeWall  = 0.52 // the inside of a hole
)

// shade returns partColor times k, clamped.
func shade(k float64) color.NRGBA {
	f := func(c uint8) uint8 { return uint8(math.Min(255, math.Round(float64(c)*k))) }
	return color.NRGBA{f(partColor.R), f(partColor.G), f(partColor.B), 0xFF}
}

// face is one flat face of the part as the viewer sees it: its outline,
// its triangles (for the mesh lines) and its hole, if any.
type face struct {
	outline []vec3
	tris    [][3]vec3
	hole    []vec3 // the rim of a round hole through the part, or nil
	depth   vec3   // for a hole, from the rim to the far end of the hole
	k       float64
}

// bracket returns the faces of the part that face the viewer; none of
// them hides another.
func bracket() []face {
	const W, D, T, H = partW, partD, partT, partH
	v := func(x, y, z float64) vec3 { return vec3{x, y, z} }
	ex, ey, ez := v(1, 0, 0), v(0, 1, 0), v(0, 0, 1)
	return []face{
		// The upright: its top strip, and its front with a hole.
		quad(v(0, 0, H), ex.scale(W), ey.scale(T), shadeTop),
		holed(v(0, T, T), ex.scale(W), ez.scale(H-T), ey.scale(-T), 0.16, shadeLeft),
		// The base: its top with a hole, and its front strip.
		holed(v(0, T, T), ex.scale(W), ey.scale(D-T), ez.scale(-T), 0.18, shadeTop),
		quad(v(0, D, 0), ex.scale(W), ez.scale(T), shadeLeft),
		// The right end: the L of the profile, as four triangles.
		{
			outline: []vec3{v(W, 0, 0), v(W, D, 0), v(W, D, T), v(W, T, T), v(W, T, H), v(W, 0, H)},
			tris: [][3]vec3{
				{v(W, 0, 0), v(W, T, 0), v(W, T, H)}, {v(W, 0, 0), v(W, T, H), v(W, 0, H)},
				{v(W, T, 0), v(W, D, 0), v(W, D, T)}, {v(W, T, 0), v(W, D, T), v(W, T, T)},
			},
			k: shadeRight,
		},
	}
}

// quad returns the rectangle from o spanned by a and b, as two triangles.
func quad(o, a, b vec3, k float64) face {
	c := [4]vec3{o, o.add(a), o.add(a).add(b), o.add(b)}
	return face{
		outline: c[:],
		tris:    [][3]vec3{{c[0], c[1], c[2]}, {c[0], c[2], c[3]}},
		k:       k,
	}
}

// holeSides is the number of sides of a hole's rim: an STL file's round
// hole is a polygon too.
const holeSides = 12

// holed returns the rectangle from o spanned by a and b with a round hole
// of radius r (in part units) at its centre, going through the part along
// depth. Its triangles are those an STL exporter would write: a fan from
// each corner of the rectangle to the quarter of the rim facing it, and
// one triangle from each side of the rectangle to the rim's nearest point,
// all turning the way the outline o, o+a, o+a+b, o+b does.
func holed(o, a, b, depth vec3, r, k float64) face {
	f := quad(o, a, b, k)
	c := f.outline
	centre := o.add(a.scale(0.5)).add(b.scale(0.5))
	ua := a.scale(1 / math.Sqrt(a.x*a.x+a.y*a.y+a.z*a.z))
	ub := b.scale(1 / math.Sqrt(b.x*b.x+b.y*b.y+b.z*b.z))
	rim := make([]vec3, holeSides)
	for i := range rim {
		t := 2 * math.Pi * float64(i) / holeSides
		rim[i] = centre.add(ua.scale(r * math.Cos(t))).add(ub.scale(r * math.Sin(t)))
	}
	// Rim point 0 faces the side c[1]-c[2] (along +a), point q the side
	// c[2]-c[3] (along +b), and so on around; corner c[(j+2)%4] lies
	// between the rim points j·q and (j+1)·q.
	q := holeSides / 4
	f.tris = f.tris[:0]
	for j := range 4 {
		corner := c[(j+2)%4]
		for i := j * q; i < (j+1)*q; i++ {
			f.tris = append(f.tris, [3]vec3{corner, rim[(i+1)%holeSides], rim[i]})
		}
		f.tris = append(f.tris, [3]vec3{c[(j+1)%4], corner, rim[j*q]})
	}
	f.hole, f.depth = rim, depth
	return f
}

// projection maps the part into icon units: isometric, scaled and centred
// to fill the middle of the background square.
type projection struct {
	scale  float64
	offset pt
}

// iso is the isometric view of p before scaling: screen x grows with x
// and shrinks with y, screen y grows toward the viewer and shrinks with z.
func iso(p vec3) pt {
	return pt{(p.x - p.y) * math.Sqrt(3) / 2, (p.x+p.y)/2 - p.z}
}

// fit returns the projection that puts the part's box, centred, into a
// square of side span around the icon's centre.
func fit(span float64) projection {
	lo, hi := pt{math.Inf(1), math.Inf(1)}, pt{math.Inf(-1), math.Inf(-1)}
	for _, x := range []float64{0, partW} {
		for _, y := range []float64{0, partD} {
			for _, z := range []float64{0, partH} {
				p := iso(vec3{x, y, z})
				lo = pt{math.Min(lo.x, p.x), math.Min(lo.y, p.y)}
				hi = pt{math.Max(hi.x, p.x), math.Max(hi.y, p.y)}
			}
		}
	}
	s := span / math.Max(hi.x-lo.x, hi.y-lo.y)
	mid := lo.add(hi).scale(0.5)
	return projection{scale: s, offset: pt{0.5, 0.5}.sub(mid.scale(s))}
}

func (pr projection) at(p vec3) pt { return iso(p).scale(pr.scale).add(pr.offset) }

func (pr projection) all(ps []vec3) []pt {
	out := make([]pt, len(ps))
	for i, p := range ps {
		out[i] = pr.at(p)
	}
	return out
}

// Layout of the icon, in icon units.
const (
	margin        = 2.0 / 32 // transparent border around the background square
	corner        = 0.17     // radius of the background square's corners
	partSpan      = 0.66     // the part's larger projected extent
	partSpanSmall = 0.74     // the same below 32 pixels, where detail is scarce
	edgeWidth     = 1.0 / 150
	meshWidth     = 1.0 / 320
	meshFactor    = 0.84 // mesh lines are the face's colour times this
)

// drawing returns the icon's shapes for a picture size pixels square.
// Small sizes keep what still reads: below 48 pixels no mesh lines, below
// 32 no holes and no edges either, and a larger part; edges stay at least
// 0.7 pixels wide.
func drawing(size int) []shape {
	px := 1 / float64(size)
	shapes := []shape{{pts: roundedSquare(margin, 1-margin, corner, 8), fill: background}}
	span := partSpan
	if size < 32 {
		span = partSpanSmall
	}
	pr := fit(span)
	faces := bracket()

	// Faces meet along shared edges, where antialiasing lets a little of
	// the background through both; an underlay of every face in the
	// middle shade leaves nothing dark to show there.
	for _, f := range faces {
		shapes = append(shapes, shape{pr.all(f.outline), shade(shadeLeft)})
	}
	for _, f := range faces {
		shapes = append(shapes, shape{pr.all(f.outline), shade(f.k)})
		if f.hole == nil || size < 32 {
			continue // a hole of a pixel or two would only be a smudge
		}
		// The hole: its inside wall, and the background where the far
		// end of the hole overlaps its rim.
		rim := pr.all(f.hole)
		far := make([]vec3, len(f.hole))
		for i, p := range f.hole {
			far[i] = p.add(f.depth)
		}
		shapes = append(shapes, shape{rim, shade(shadeWall)})
		if through := clip(pr.all(far), rim); len(through) >= 3 {
			shapes = append(shapes, shape{through, background})
		}
	}

	if size >= 48 {
		w := math.Max(meshWidth, 0.6*px)
		for _, f := range faces {
			col := shade(f.k * meshFactor)
			for _, t := range f.tris {
				for i := range 3 {
					a, b := t[i], t[(i+1)%3]
					if onOutline(f, a, b) {
						continue // drawn as an edge below
					}
					shapes = append(shapes, shape{segment(pr.at(a), pr.at(b), w), col})
				}
			}
		}
	}
	if size < 32 {
		return shapes // the shading alone tells the faces apart
	}
	w := math.Max(edgeWidth, 0.7*px)
	for _, f := range faces {
		for _, loop := range [][]vec3{f.outline, f.hole} {
			for i := range loop {
				shapes = append(shapes, shape{segment(pr.at(loop[i]), pr.at(loop[(i+1)%len(loop)]), w), edgeColor})
			}
		}
	}
	return shapes
}

// onOutline reports whether the segment ab lies along f's outline or its
// hole's rim.
func onOutline(f face, a, b vec3) bool {
	for _, loop := range [][]vec3{f.outline, f.hole} {
		for i := range loop {
			p, q := loop[i], loop[(i+1)%len(loop)]
			if collinear(p, q, a) && collinear(p, q, b) {
				return true
			}
		}
	}
	return false
}

// collinear reports whether c lies on the line through a and b.
func collinear(a, b, c vec3) bool {
	u, v := b.sub(a), c.sub(a)
	x := vec3{u.y*v.z - u.z*v.y, u.z*v.x - u.x*v.z, u.x*v.y - u.y*v.x}
	return x.x*x.x+x.y*x.y+x.z*x.z < 1e-12
}

// segment returns the rectangle of width w around the line from a to b,
// reaching w/2 past each end so that segments meeting at a corner join.
func segment(a, b pt, w float64) []pt {
	d := b.sub(a)
	d = d.scale(1 / d.length())
	n := pt{-d.y, d.x}.scale(w / 2)
	a, b = a.sub(d.scale(w/2)), b.add(d.scale(w/2))
	return []pt{a.add(n), b.add(n), b.sub(n), a.sub(n)}
}

// roundedSquare returns the square from lo to hi (on both axes) with
// corners of radius r, each a quarter circle of n segments.
func roundedSquare(lo, hi, r float64, n int) []pt {
	var out []pt
	centres := []pt{{hi - r, lo + r}, {hi - r, hi - r}, {lo + r, hi - r}, {lo + r, lo + r}}
	for c, ctr := range centres {
		for i := 0; i <= n; i++ {
			t := math.Pi/2*float64(c-1) + math.Pi/2*float64(i)/float64(n)
			out = append(out, pt{ctr.x + r*math.Cos(t), ctr.y + r*math.Sin(t)})
		}
	}
	return out
}

// clip returns the part of the convex polygon subject inside the convex
// polygon window (Sutherland-Hodgman); both go the same way around.
func clip(subject, window []pt) []pt {
	orient := 0.0
	for i := range window {
		orient += window[i].cross(window[(i+1)%len(window)])
	}
	out := subject
	for i := range window {
		a, b := window[i], window[(i+1)%len(window)]
		inside := func(p pt) bool { return b.sub(a).cross(p.sub(a))*orient >= 0 }
		in := out
		out = nil
		for j := range in {
			p, q := in[j], in[(j+1)%len(in)]
			switch {
			case inside(p) && inside(q):
				out = append(out, q)
			case inside(p):
				out = append(out, intersect(p, q, a, b))
			case inside(q):
				out = append(out, intersect(p, q, a, b), q)
			}
		}
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// intersect returns where the segment pq crosses the line through a and b.
func intersect(p, q, a, b pt) pt {
	d := b.sub(a)
	t := d.cross(a.sub(p)) / d.cross(q.sub(p))
	return p.lerp(q, t)
}

// Render returns the icon as a picture size pixels square, antialiased by
// exact coverage (golang.org/x/image/vector), on a transparent ground.
func Render(size int) *image.NRGBA {
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	z := vector.NewRasterizer(size, size)
	s := float32(size)
	for _, sh := range drawing(size) {
		z.Reset(size, size)
		z.DrawOp = draw.Over
		z.MoveTo(float32(sh.pts[0].x)*s, float32(sh.pts[0].y)*s)
		for _, p := range sh.pts[1:] {
			z.LineTo(float32(p.x)*s, float32(p.y)*s)
		}
		z.ClosePath()
		z.Draw(dst, dst.Bounds(), image.NewUniform(sh.fill), image.Point{})
	}
	out := image.NewNRGBA(dst.Bounds())
	draw.Draw(out, out.Bounds(), dst, image.Point{}, draw.Src)
	return out
}

// writeSVG writes shapes as an SVG of svgSize pixels square whose shapes
// are plain polygons.
func writeSVG(w io.Writer, shapes []shape) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	fmt.Fprintf(&b, "<!-- stlview's icon, drawn by dist/icongen: go generate ./assets -->\n")
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", svgSize, svgSize, svgSize, svgSize)
	fmt.Fprintf(&b, "<title>stlview</title>\n")
	for _, sh := range shapes {
		b.WriteString("<polygon points=\"")
		for i, p := range sh.pts {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s,%s", coord(p.x), coord(p.y))
		}
		fmt.Fprintf(&b, "\" fill=\"#%02x%02x%02x\"/>\n", sh.fill.R, sh.fill.G, sh.fill.B)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// coord formats an icon-unit coordinate in SVG pixels, to a hundredth.
func coord(v float64) string {
	s := fmt.Sprintf("%.2f", v*svgSize)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}
