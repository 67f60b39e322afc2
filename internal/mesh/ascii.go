package mesh

import (
	"bytes"
	"context"
	"errors"
	"slices"
)

// The ASCII grammar, as real files write it:
//
//	solid [name]
//	  facet normal nx ny nz      (the normal is ignored: it is recomputed)
//	    outer loop
//	      vertex x y z           (three of them)
//	    endloop
//	  endfacet
//	endsolid [name]
//
// Keywords may be in any case, words are separated by any white space, lines
// end in LF, CRLF or CR, a file may hold several solids, and anything after
// the keyword on a facet, outer, endloop, endfacet or endsolid line is
// ignored. A missing final "endsolid" is tolerated. A coordinate that is not
// a number, a facet without exactly three vertices, a facet left open and an
// unknown keyword are errors that name the line.

// minSegment is the least input worth a goroutine of its own.
const minSegment = 1 << 20

// decodeASCII parses an ASCII STL file held in data. Big files are cut at
// "facet" lines into one segment per worker and the segments are parsed in
// parallel, then joined.
func (d Decoder) decodeASCII(ctx context.Context, data []byte) (*Mesh, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	starts := splitASCII(data, max(1, min(d.parallelism(), len(data)/minSegment)))
	segs := make([]asciiParser, len(starts))
	for k, start := range starts {
		end := len(data)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		segs[k].data = data[start:end]
	}
	parallel(len(segs), func(k int) { segs[k].err = segs[k].parse(ctx) })

	lines := 0 // line breaks before the segment at hand
	faces := 0
	for k := range segs {
		if err := segs[k].err; err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Line > 0 {
				pe.Line += lines
			}
			return nil, err
		}
		lines += segs[k].breaks
		faces += len(segs[k].pos) / 9
	}
	m := &Mesh{Format: ASCII, FacesRead: faces, Solids: joinSolids(segs, faces)}
	if len(segs) == 1 {
		m.Positions = segs[0].pos
		if cap(m.Positions) > len(m.Positions)+len(m.Positions)/8 {
			m.Positions = slices.Clone(m.Positions) // the guess of the face count was high
		}
	} else {
		m.Positions = make([]float32, 0, 9*faces)
		for k := range segs {
			m.Positions = append(m.Positions, segs[k].pos...)
			segs[k].pos = nil
		}
	}
	m.Normals = make([]float32, 3*faces)
	st := processParallel(m.Positions, m.Normals, d.workers(faces))
	m.Bounds = st.bounds
	m.Degenerate = st.degenerate
	dropFaces(m, st.dropped)
	return m, nil
}

// processParallel runs processFaces over whole arrays in chunks on
// workers goroutines (the caller's alone when workers is 1) and returns the
// merged stats.
func processParallel(pos, nrm []float32, workers int) faceStats {
	faces := len(pos) / 9
	stats := make([]faceStats, workers)
	parallel(workers, func(w int) {
		stats[w] = newFaceStats()
		for first := w * chunkFaces; first < faces; first += workers * chunkFaces {
			end := min(faces, first+chunkFaces)
			processFaces(pos[9*first:9*end], nrm[3*first:3*end], first, &stats[w])
		}
	})
	total := newFaceStats()
	for w := range stats {
		total.merge(&stats[w])
	}
	return total
}

// joinSolids turns the segments' "solid" lines into solids that partition
// the faces. Faces before the first "solid" line form an unnamed solid.
func joinSolids(segs []asciiParser, faces int) []Solid {
	var solids []Solid
	base := 0
	for k := range segs {
		for _, mk := range segs[k].marks {
			solids = append(solids, Solid{Name: mk.name, First: base + mk.face})
		}
		base += len(segs[k].pos) / 9
	}
	if len(solids) == 0 || solids[0].First > 0 {
		solids = append([]Solid{{First: 0}}, solids...)
	}
	for i := range solids {
		end := faces
		if i+1 < len(solids) {
			end = solids[i+1].First
		}
		solids[i].Count = end - solids[i].First
	}
	return solids
}

// splitASCII returns the offsets where up to parts segments of data start:
// 0, then the starts of "facet" lines near equal fractions of data.
func splitASCII(data []byte, parts int) []int {
	starts := []int{0}
	for k := 1; k < parts; k++ {
		s := nextFacetLine(data, k*len(data)/parts)
		if s < 0 {
			break
		}
		if s > starts[len(starts)-1] {
			starts = append(starts, s)
		}
	}
	return starts
}

// nextFacetLine returns the offset of the first line after offset from
// whose first word is "facet", or -1.
func nextFacetLine(data []byte, from int) int {
	for i := from; i < len(data); {
		j := bytes.IndexAny(data[i:], "\r\n")
		if j < 0 {
			return -1
		}
		j += i + 1
		if data[j-1] == '\r' && j < len(data) && data[j] == '\n' {
			j++
		}
		k := j
		for k < len(data) && (data[k] == ' ' || data[k] == '\t') {
			k++
		}
		if hasKeyword(data[k:], "facet") {
			return j
		}
		i = j
	}
	return -1
}

// solidMark records a "solid" line: the number of faces before it in its
// segment and the solid's name.
type solidMark struct {
	face int
	name string
}

// asciiParser parses one segment of an ASCII file. Line numbers in its
// errors count from the segment's start; decodeASCII makes them absolute.
type asciiParser struct {
	data   []byte
	i      int // next byte to read
	line   int // current line, 1-based
	breaks int // line breaks consumed

	pos       []float32 // vertices read, in pos[:n]; parse trims it
	n         int
	marks     []solidMark
	facetLine int // line of the open facet, 0 when none is open
	vertices  int // vertices read in the open facet

	err error // result of parse, kept for decodeASCII
}

// ctxCheckLines is how many lines the parser reads between context checks.
const ctxCheckLines = 8192

func (p *asciiParser) parse(ctx context.Context) error {
	// About 250 bytes a facet is typical; append grows the rare denser file.
	p.pos = make([]float32, 9*(len(p.data)/200+1))
	for p.i < len(p.data) {
		p.line++
		if p.line%ctxCheckLines == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		p.skipBlank()
		if err := p.statement(p.word()); err != nil {
			return err
		}
		p.skipLine()
	}
	if p.facetLine > 0 {
		return lineError(p.facetLine, ErrTruncated, "the file ends inside this facet")
	}
	p.pos = p.pos[:p.n]
	return nil
}

// statement handles a line whose first word is kw; the line's other words
// are still to read.
func (p *asciiParser) statement(kw []byte) error {
	if len(kw) == 0 {
		return nil // blank line
	}
	switch kw[0] | 0x20 {
	case 'v':
		if equalFold(kw, "vertex") {
			return p.vertex()
		}
	case 'f':
		if equalFold(kw, "facet") {
			if p.facetLine > 0 {
				return p.errorf(ErrSyntax, "\"facet\" inside the facet of line %d, which has no \"endfacet\"", p.facetLine)
			}
			p.facetLine, p.vertices = p.line, 0
			return nil
		}
	case 'o':
		if equalFold(kw, "outer") {
			return p.needFacet("outer")
		}
	case 'e':
		switch {
		case equalFold(kw, "endloop"):
			if err := p.needFacet("endloop"); err != nil {
				return err
			}
			return p.needThree()
		case equalFold(kw, "endfacet"):
			if err := p.needFacet("endfacet"); err != nil {
				return err
			}
			if err := p.needThree(); err != nil {
				return err
			}
			p.facetLine = 0
			return nil
		case equalFold(kw, "endsolid"):
			return p.noFacet("endsolid")
		}
	case 's':
		if equalFold(kw, "solid") {
			if err := p.noFacet("solid"); err != nil {
				return err
			}
			p.marks = append(p.marks, solidMark{face: p.n / 9, name: string(bytes.TrimSpace(p.restOfLine()))})
			return nil
		}
	}
	return p.errorf(ErrSyntax, "unexpected %q, want a keyword such as \"facet\", \"vertex\" or \"endsolid\"", clip(kw))
}

// vertex parses the three coordinates of a vertex line.
func (p *asciiParser) vertex() error {
	if err := p.needFacet("vertex"); err != nil {
		return err
	}
	if p.vertices == 3 {
		return p.errorf(ErrSyntax, "a fourth vertex in the facet of line %d; a facet has three", p.facetLine)
	}
	var xyz [3]float32
	for k := range xyz {
		p.skipBlank()
		tok := p.word()
		if len(tok) == 0 {
			return p.errorf(ErrSyntax, "vertex has %d coordinates, want 3", k)
		}
		v, ok := parseFloat(tok)
		if !ok {
			return p.errorf(ErrSyntax, "vertex coordinate %q is not a number", clip(tok))
		}
		xyz[k] = float32(v)
	}
	// Writing through an index rather than append keeps the slice header,
	// a pointer, out of the hot loop: while the garbage collector runs,
	// every pointer store is a write barrier and an unsafe point for
	// asynchronous preemption, and a loop full of them made stopping this
	// goroutine take hundreds of retried signals.
	if p.n+3 > len(p.pos) {
		p.pos = append(p.pos[:p.n], make([]float32, len(p.pos)+9)...)
	}
	p.pos[p.n], p.pos[p.n+1], p.pos[p.n+2] = xyz[0], xyz[1], xyz[2]
	p.n += 3
	p.vertices++
	return nil
}

func (p *asciiParser) needFacet(kw string) error {
	if p.facetLine == 0 {
		return p.errorf(ErrSyntax, "%q outside a facet", kw)
	}
	return nil
}

func (p *asciiParser) noFacet(kw string) error {
	if p.facetLine > 0 {
		return p.errorf(ErrSyntax, "%q inside the facet of line %d, which has no \"endfacet\"", kw, p.facetLine)
	}
	return nil
}

func (p *asciiParser) needThree() error {
	if p.vertices != 3 {
		return p.errorf(ErrSyntax, "the facet of line %d has %d vertices, want 3", p.facetLine, p.vertices)
	}
	return nil
}

func (p *asciiParser) errorf(sentinel error, format string, args ...any) error {
	return lineError(p.line, sentinel, format, args...)
}

// skipBlank skips spaces and tabs (and other white space that does not end
// a line).
func (p *asciiParser) skipBlank() {
	for p.i < len(p.data) {
		c := p.data[p.i]
		if c != ' ' && c != '\t' && c != '\v' && c != '\f' {
			return
		}
		p.i++
	}
}

// word returns the bytes up to the next white space.
func (p *asciiParser) word() []byte {
	start := p.i
	for p.i < len(p.data) && !isSpace(p.data[p.i]) {
		p.i++
	}
	return p.data[start:p.i]
}

// restOfLine returns the bytes up to the end of the line.
func (p *asciiParser) restOfLine() []byte {
	start := p.i
	for p.i < len(p.data) && p.data[p.i] != '\n' && p.data[p.i] != '\r' {
		p.i++
	}
	return p.data[start:p.i]
}

// skipLine moves past the end of the current line: LF, CRLF or CR.
func (p *asciiParser) skipLine() {
	p.restOfLine()
	if p.i == len(p.data) {
		return
	}
	if p.data[p.i] == '\r' && p.i+1 < len(p.data) && p.data[p.i+1] == '\n' {
		p.i++
	}
	p.i++
	p.breaks++
}

// clip shortens a word quoted in an error message.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
