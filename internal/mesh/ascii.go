package mesh

import (
	"bytes"
	"context"
	"errors"
	"io"
	"unicode/utf8"
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
// The input is a sequence of words separated by white space; line breaks
// matter only where they end a name or junk. Keywords may be in any case,
// lines end in LF, CRLF or CR (or nowhere: a file may be one line), a file
// may hold several solids, and a missing final "endsolid" is tolerated.
//
//   - After "facet" and "outer", words are skipped up to the next keyword
//     ("normal 0 0 1", "loop"), across line breaks: a writer may put any
//     white space between the words of a statement. After "endloop" and
//     "endfacet", words are skipped up to the end of the line or the next
//     keyword ("42").
//   - A solid's name runs to the end of its line, to "endsolid", or to a
//     "facet" followed by "normal" on the same line (so that a name may
//     hold the word "facet" and a file without line breaks still parses).
//     The words after "endsolid" are skipped likewise, up to the end of the
//     line, "facet normal" or a "solid" after at least one word (the name
//     repeated: "endsolid a solid b"; "endsolid Solid Body" is one name).
//     Names keep their inner white space and are cut to maxName bytes.
//   - A vertex's three coordinates may span lines.
//
// A coordinate that is not a number, a facet without exactly three
// vertices, a facet left open and an unknown keyword are errors that name
// the line.

// Sizes of the streaming ASCII decoder.
const (
	// textChunkSize is the most text one chunk holds: the input is parsed a
	// chunk at a time, never held whole.
	textChunkSize = 1 << 20
	// maxToken is the longest word taken as a keyword or a number; longer
	// ones are errors in those places (and skipped in names and junk), so
	// that a word larger than a chunk parses the same as any other.
	maxToken = 4096
	// maxName is the longest solid name kept, in bytes.
	maxName = 256
	// cleanSearch is how far back from a chunk's end the chunker looks for
	// a facet to cut at.
	cleanSearch = 64 << 10
)

// decodeASCII decodes an ASCII STL file whose first bytes, prefix, are
// already read; rest yields the others (at most size-len(prefix) of them
// when size is known). size is the input's size, or -1.
//
// The text is read in chunks of at most textChunkSize bytes, cut where
// possible just before a "facet" (a clean cut, where a parser with no
// state may start). A batch of up to Workers chunks is read, cut into runs
// that each start at a clean cut (the first continues the parser of the
// batch before), and the runs are parsed in parallel, then joined in
// order: line numbers, solids and faces become the file's. A chunk cut
// elsewhere (a file without facets, a name of a gigabyte) continues its
// run: parsed after the chunk before it, by the same parser. Memory is the
// batch's text plus the faces found: junk costs a few chunks.
func (d Decoder) decodeASCII(ctx context.Context, res *reservation, prefix []byte, rest io.Reader, size int64) (*Mesh, error) {
	workers := d.parallelism()
	bufSize := textChunkSize
	if d.textChunk > 0 {
		bufSize = d.textChunk
	}
	if size >= 0 {
		workers = max(1, min(workers, int(size/int64(bufSize))))
		bufSize = int(min(size, int64(bufSize)))
	}
	// Transient memory: the batch's buffers, one more for the carry, and
	// what the parsers may find in them before a join moves it out (at most
	// about 0.9 bytes of positions and normals per byte of text, doubled
	// for append's growth).
	transient := int64(workers+1)*int64(bufSize) + int64(workers)*int64(bufSize)*2
	whatRead := func() string { return "to read an ASCII file" }
	if err := res.reserve(transient, true, whatRead); err != nil {
		return nil, err
	}
	a := &asciiDecoder{
		ctx:     ctx,
		res:     res,
		workers: workers,
		pos:     newFaceArray[float32](9),
		nrm:     newFaceArray[float32](3),
		bounds:  EmptyBox(),
		carried: newASCIIParser(),
	}
	tr := newTextReader(ctx, prefix, rest, size, bufSize)
	defer tr.close()
	if err := a.run(tr); err != nil {
		return nil, err
	}
	return a.mesh(d)
}

// asciiDecoder is the state of one ASCII decode, kept by the decoding
// goroutine; during a batch, each run's goroutine touches only its parser.
type asciiDecoder struct {
	ctx     context.Context
	res     *reservation
	workers int

	pos, nrm   *faceArray[float32] // the faces joined so far, in blocks
	solids     []Solid             // First set; Count set by mesh
	bounds     Box
	degenerate int
	dropped    int

	breaks  int          // line breaks before the next run
	kept    int          // faces kept before the next run
	carried *asciiParser // the parser the next batch's first run continues
	spare   []*asciiParser
	chunks  []textChunk
	runs    []asciiRun
}

// asciiRun is a run of chunks of one batch that one parser takes in order.
type asciiRun struct {
	p        *asciiParser
	from, to int // chunks of the batch
	end      runEnd
}

// runEnd says how a run's text ends.
type runEnd uint8

const (
	endDirty runEnd = iota // the next chunk continues the run's state (next batch)
	endClean               // the next chunk starts at a facet, with a parser of its own
	endEOF                 // the input ends
)

// run parses the whole input, batch by batch.
func (a *asciiDecoder) run(tr *textReader) error {
	for {
		a.chunks = a.chunks[:0]
		for len(a.chunks) < a.workers {
			c, err := tr.next()
			if err != nil {
				return err
			}
			a.chunks = append(a.chunks, c)
			if c.last {
				break
			}
		}
		a.runs = append(a.runs[:0], asciiRun{p: a.carried})
		for k := 1; k < len(a.chunks); k++ {
			if a.chunks[k].clean {
				a.runs[len(a.runs)-1].to, a.runs[len(a.runs)-1].end = k, endClean
				a.runs = append(a.runs, asciiRun{p: a.fresh(), from: k})
			}
		}
		last := &a.runs[len(a.runs)-1]
		last.to = len(a.chunks)
		if a.chunks[len(a.chunks)-1].last {
			last.end = endEOF
		}
		parallel(len(a.runs), func(r int) {
			run := &a.runs[r]
			for _, c := range a.chunks[run.from:run.to] {
				run.p.parse(c.data, c.last)
			}
			run.p.finish(run.end)
			run.p.process()
		})
		for r := range a.runs {
			if err := a.join(r); err != nil {
				return err
			}
		}
		for _, c := range a.chunks {
			tr.recycle(c.buf)
		}
		for _, run := range a.runs[:len(a.runs)-1] {
			a.spare = append(a.spare, run.p)
		}
		a.carried = a.runs[len(a.runs)-1].p
		if a.chunks[len(a.chunks)-1].last {
			return nil
		}
	}
}

// fresh returns a parser with no state, reusing a spare one's buffers.
func (a *asciiDecoder) fresh() *asciiParser {
	if n := len(a.spare); n > 0 {
		p := a.spare[n-1]
		a.spare = a.spare[:n-1]
		p.reset()
		return p
	}
	return newASCIIParser()
}

// join adds run r of the batch to the file: it places the run's lines and
// faces after those before it, checks the cut between it and the run
// before, and moves its faces out of its parser.
func (a *asciiDecoder) join(r int) error {
	run := &a.runs[r]
	p := run.p
	if !p.placed {
		p.base, p.startKept, p.placed = a.breaks, a.kept, true
	}
	if r > 0 {
		// The run before ended where this one's first "facet" starts: a
		// facet still open there is the error the facet makes.
		if prev := a.runs[r-1].p; prev.facetLine > 0 {
			return lineError(a.breaks+1, ErrSyntax, "\"facet\" inside the facet of line %d, which has no \"endfacet\"", prev.base+prev.facetLine)
		}
	}
	lastChunk := a.chunks[run.to-1]
	if lastChunk.last && lastChunk.trunc != nil && (p.err == nil || p.err.eof) {
		// The input ended before its size: an error the end caused (an
		// open facet, a cut vertex or word) is the cut's doing. One
		// within the data stands, wherever the chunks fall.
		lastChunk.trunc.Line = p.base + p.breaks + 1
		return lastChunk.trunc
	}
	if p.err != nil {
		return p.err.toError(p.base)
	}
	if err := a.moveFaces(p); err != nil {
		return err
	}
	for _, mk := range p.marks {
		first := p.startKept + mk.face
		if n := len(a.solids); n > 0 && a.solids[n-1].First == first {
			a.solids[n-1].Name = mk.name // an empty solid, replaced by the next
			continue
		}
		if err := a.res.reserve(int64(len(mk.name)+32), true, a.whatFaces); err != nil {
			return err
		}
		a.solids = append(a.solids, Solid{Name: mk.name, First: first})
	}
	p.marks = p.marks[:0]
	a.breaks = p.base + p.breaks
	a.kept = p.startKept + p.kept
	return nil
}

// whatFaces describes, for a budget error, what the faces are.
func (a *asciiDecoder) whatFaces() string {
	return "for the first " + groupDigits(int64(a.pos.faces)) + " triangles"
}

// moveFaces moves the complete faces of p (processed by p.process) into
// the file's blocks, keeping the vertices of an open facet in p.
func (a *asciiDecoder) moveFaces(p *asciiParser) error {
	a.bounds = a.bounds.Union(p.stats.bounds)
	a.degenerate += p.stats.degenerate
	p.stats = newFaceStats()
	a.dropped += p.dropped
	p.dropped = 0
	faces := p.n / 9
	if faces == 0 {
		return nil
	}
	newBlock := func(n int64) error { return a.res.reserve(n, true, a.whatFaces) }
	if err := a.pos.add(p.pos[:9*faces], weldSegment, newBlock); err != nil {
		return err
	}
	if err := a.nrm.add(p.nrm[:3*faces], weldSegment, newBlock); err != nil {
		return err
	}
	p.n = copy(p.pos, p.pos[9*faces:p.n])
	p.kept += faces
	return nil
}

// mesh assembles the decoded mesh, welding it if d asks for that.
func (a *asciiDecoder) mesh(d Decoder) (*Mesh, error) {
	faces := a.pos.faces
	m := &Mesh{
		Format:     ASCII,
		FacesRead:  faces + a.dropped,
		Dropped:    a.dropped,
		Bounds:     a.bounds,
		Degenerate: a.degenerate,
		Solids:     a.solids,
	}
	if len(m.Solids) == 0 || m.Solids[0].First > 0 {
		m.Solids = append([]Solid{{First: 0}}, m.Solids...)
	}
	for i := range m.Solids {
		end := faces
		if i+1 < len(m.Solids) {
			end = m.Solids[i+1].First
		}
		m.Solids[i].Count = end - m.Solids[i].First
	}
	what := a.whatFaces
	if err := a.res.reserve(a.nrm.faceBytes(faces), false, what); err != nil {
		return nil, err
	}
	nrmBlocks := a.nrm.blockBytes()
	m.Normals = a.nrm.result()
	a.res.release(nrmBlocks)
	if !d.Indexed {
		if err := a.res.reserve(a.pos.faceBytes(faces), false, what); err != nil {
			return nil, err
		}
		posBlocks := a.pos.blockBytes()
		m.Positions = a.pos.result()
		a.res.release(posBlocks)
		return m, nil
	}
	// The text is gone; weld the positions block by block, dropping each
	// once it is welded.
	d.stage(StageWelding)
	if err := a.res.reserve(int64(faces)*12+16*int64(3*weldSegment)*5/4, true, what); err != nil {
		return nil, err
	}
	m.Indices = make([]uint32, 3*faces)
	w := newWelder(3*faces, a.workers, true)
	var held int64
	off := 0
	for i, blk := range a.pos.blocks {
		k := len(blk) / 9
		w.begin(3 * k)
		w.eachPart(k, func(p, lo, hi int) { w.partition(p, blk[9*lo:9*hi], 3*lo, nil) })
		if need := w.growthBound(); need > held {
			if err := a.res.reserve(need-held, true, what); err != nil {
				return nil, err
			}
			held = need
		}
		w.weldSegment(m.Indices[3*off : 3*(off+k)])
		off += k
		a.res.release(int64(cap(blk)) * 4)
		a.pos.blocks[i] = nil
	}
	a.pos.blocks = nil
	if err := a.res.reserve(int64(w.vertices())*12, false, what); err != nil {
		return nil, err
	}
	var err error
	m.Positions, err = w.finish(m.Indices)
	if err != nil {
		return nil, offsetError(-1, ErrTooLarge, "%v", err) // more than 2^32 vertices
	}
	a.res.release(held)
	return m, nil
}

// textChunk is a piece of the input text.
type textChunk struct {
	buf   []byte // the buffer it lies in, to recycle
	data  []byte
	clean bool        // data starts at a "facet" where a parser with no state may start
	last  bool        // the input ends with data
	trunc *ParseError // with last: the input ended before its size, or a gzip stream was cut; the error to report
}

// textReader reads the input into chunks, cutting each where the text
// allows (see cut), and carrying the bytes after the cut to the next.
type textReader struct {
	ctx       context.Context
	r         io.Reader
	size      int64 // the bytes the input should hold, or -1
	read      int64 // bytes of the input read so far
	bufSize   int
	carry     []byte // the bytes after the last cut, in the last buffer
	started   bool
	nextClean bool // the next chunk starts at a clean cut
	done      bool
	free      [][]byte
}

func newTextReader(ctx context.Context, prefix []byte, rest io.Reader, size int64, bufSize int) *textReader {
	return &textReader{ctx: ctx, r: &prefixReader{prefix: prefix, r: rest}, size: size, bufSize: bufSize, nextClean: true}
}

// prefixReader reads prefix, then r.
type prefixReader struct {
	prefix []byte
	r      io.Reader
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if len(p.prefix) > 0 {
		n := copy(b, p.prefix)
		p.prefix = p.prefix[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// next returns the next chunk. After the last one it must not be called.
func (t *textReader) next() (textChunk, error) {
	if err := t.ctx.Err(); err != nil {
		return textChunk{}, err
	}
	whole := t.buffer()
	buf := whole[:0:t.bufSize]    // a pooled buffer may be larger than the chunk
	buf = append(buf, t.carry...) // the carry may lie in buf itself: append copies forward
	t.carry = nil
	var trunc *ParseError
	for len(buf) < cap(buf) {
		n, err := t.r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		t.read += int64(n)
		if err == nil {
			continue
		}
		if err != io.EOF {
			pe, ok := err.(*ParseError)
			if !ok || !errors.Is(pe, ErrTruncated) {
				return textChunk{}, err
			}
			trunc = pe // a gzip stream cut short: parse what came, then say so
			trunc.Offset = t.read
		}
		t.done = true
		break
	}
	if t.done && trunc == nil && t.size >= 0 && t.read < t.size {
		trunc = offsetError(t.read, ErrTruncated, "the data ends at byte %d of the %d its size promised", t.read, t.size)
	}
	c := textChunk{buf: whole, data: buf, clean: t.nextClean, last: t.done, trunc: trunc}
	if !t.started {
		c.data = bytes.TrimPrefix(c.data, []byte("\xef\xbb\xbf"))
		t.started = true
	}
	if !t.done {
		at, clean := cut(c.data)
		t.carry = c.data[at:]
		c.data = c.data[:at]
		t.nextClean = clean
	}
	return c, nil
}

// buffer returns an empty buffer of capacity bufSize or more.
func (t *textReader) buffer() []byte {
	if n := len(t.free); n > 0 {
		b := t.free[n-1]
		t.free = t.free[:n-1]
		return b[:0]
	}
	return getBuffer(t.bufSize)[:0]
}

// recycle gives back the buffer of a chunk that is parsed and joined.
func (t *textReader) recycle(buf []byte) { t.free = append(t.free, buf[:0]) }

// close gives the buffers back to the pool shared by decodes.
func (t *textReader) close() {
	for _, b := range t.free {
		putBuffer(b)
	}
	t.free = nil
}

// cut returns where to end a chunk of the text b, which the input
// continues, and whether the cut is clean: just before a "facet" word that
// opens a facet whatever the state of a parser that reached it. Otherwise
// the cut is after a line break or a blank in the second half of b, or,
// for a word that fills b, at b's end (the parser skips the rest of that
// word). A cut never splits a CRLF.
func cut(b []byte) (int, bool) {
	if i := cleanCut(b); i > 0 {
		return i, true
	}
	line := max(bytes.LastIndexByte(b, '\n'), bytes.LastIndexByte(b[:max(0, len(b)-1)], '\r')) + 1
	blank := 0
	for i := len(b) - 1; i >= 0; i-- {
		if c := byteClass[b[i]]; c == 1 || c == 2 || (c == 3 && i < len(b)-1) {
			blank = i + 1
			break
		}
	}
	switch {
	case line >= len(b)/2:
		return line, false
	case blank > 0:
		return blank, false
	case line > 0:
		return line, false
	case len(b) > 0 && b[len(b)-1] == '\r':
		return len(b) - 1, false
	}
	return len(b), false
}

// cleanCut returns the offset of the last "facet" word in the last
// cleanSearch bytes of b that a parser reads as a statement in every
// state: one that starts its line, or one followed by "normal" on its
// line. It returns -1 if there is none.
func cleanCut(b []byte) int {
	lo := max(1, len(b)-cleanSearch)
	for i := len(b) - len("facet ") - 1; i >= lo; i-- {
		if b[i]|0x20 != 'f' || byteClass[b[i-1]] == 0 || !equalFold(b[i:i+5], "facet") || byteClass[b[i+5]] == 0 {
			continue
		}
		j := i - 1
		for j >= 0 && byteClass[b[j]] == 1 {
			j--
		}
		if j >= 0 && byteClass[b[j]] >= 2 {
			return i // first word of its line
		}
		k := i + 5
		for k < len(b) && byteClass[b[k]] == 1 {
			k++
		}
		if k+len("normal") < len(b) && equalFold(b[k:k+6], "normal") && byteClass[b[k+6]] != 0 {
			return i
		}
	}
	return -1
}

// byteClass sorts the bytes of ASCII STL: 0 a word's byte, 1 a blank
// (space, tab, vertical tab, form feed), 2 LF, 3 CR.
var byteClass = func() (t [256]uint8) {
	t[' '], t['\t'], t['\v'], t['\f'] = 1, 1, 1, 1
	t['\n'], t['\r'] = 2, 3
	return t
}()

// Parser modes: what the next word is.
const (
	modeStmt     uint8 = iota // a keyword
	modeCoord                 // a vertex coordinate
	modeSkip                  // skipped, up to a keyword
	modeJunk                  // skipped, up to the end of the line or a keyword
	modeEndsolid              // skipped, up to the end of the line, "facet normal" or "solid"
	modeName                  // a solid's name, up to the end of the line, "facet normal" or "endsolid"
)

// asciiParser parses a run of ASCII text, chunk by chunk, keeping its
// state from one chunk to the next. Its line numbers and face numbers count
// from its start; join places them in the file.
type asciiParser struct {
	breaks     int // line breaks read
	mode       uint8
	coords     int // coordinates of the current vertex read
	xyz        [3]float32
	vertexLine int
	facetLine  int  // line of the open facet, 0 when none is open
	vertices   int  // vertices read in the open facet
	skipToken  bool // the last chunk ended inside a word of maxToken bytes or more

	solidOpen bool   // a "solid" was read whose solid has no face yet: its name is in name
	name      []byte // the name, at most maxName+4 bytes
	gap       []byte // blanks after the name's last word, kept until its next
	nameCut   int    // len(name) before a "facet" that may yet end it
	maybe     int    // in a name or after "endsolid": the line of a "facet" that "normal" would make a statement; 0 if none
	skipped   int    // words skipped after "endsolid"

	pos     []float32 // vertices read, in pos[:n]: whole faces, then those of an open facet
	n       int
	nrm     []float32 // normals of pos's whole faces, made by process
	stats   faceStats
	kept    int // faces join moved out
	dropped int // faces dropped for a non-finite coordinate
	marks   []solidMark
	err     *asciiError

	placed    bool // join has set base and startKept
	base      int  // line breaks before the parser's start
	startKept int  // faces kept before the parser's start
}

// solidMark records a solid: the number of faces kept before it (counted
// from the parser's start) and its name.
type solidMark struct {
	face int
	name string
}

func newASCIIParser() *asciiParser { return &asciiParser{stats: newFaceStats()} }

// reset readies p for a new run, keeping its buffers.
func (p *asciiParser) reset() {
	*p = asciiParser{pos: p.pos[:0], nrm: p.nrm[:0], marks: p.marks[:0], name: p.name[:0], gap: p.gap[:0], stats: newFaceStats()}
}

// asciiError is an error found by a parser, whose lines count from the
// parser's start until join places them.
type asciiError struct {
	line     int
	ref      int  // a line the message names first (the open facet's), or 0
	eof      bool // caused by the end of the input
	sentinel error
	format   string
	args     []any
}

func (e *asciiError) toError(base int) error {
	args := e.args
	if e.ref > 0 {
		args = append([]any{base + e.ref}, args...)
	}
	return lineError(base+e.line, e.sentinel, e.format, args...)
}

func (p *asciiParser) fail(line, ref int, sentinel error, format string, args ...any) {
	if p.err == nil {
		p.err = &asciiError{line: line, ref: ref, sentinel: sentinel, format: format, args: args}
	}
}

func (p *asciiParser) line() int { return p.breaks + 1 }

// parse reads the words of data, a chunk that continues the text p read
// before; last says the input ends with it.
func (p *asciiParser) parse(data []byte, last bool) {
	if p.err != nil {
		return
	}
	i := 0
	if p.skipToken {
		for i < len(data) && byteClass[data[i]] == 0 {
			i++
		}
		p.skipToken = i == len(data) && !last
	}
	for i < len(data) {
		switch byteClass[data[i]] {
		case 0:
			start := i
			for i++; i < len(data) && byteClass[data[i]] == 0; i++ {
			}
			if i == len(data) && !last {
				// The chunker cuts inside a word only when the word fills
				// the chunk: too long for anything but a name or junk.
				p.skipToken = true
			}
			p.word(data[start:i])
			if p.err != nil {
				// A word that ends the input may be cut short by the end.
				p.err.eof = p.err.eof || (last && i == len(data))
				return
			}
		case 1:
			start := i
			for i++; i < len(data) && byteClass[data[i]] == 1; i++ {
			}
			if p.mode == modeName && len(p.name) > 0 {
				p.gap = appendBounded(p.gap, data[start:i])
			}
		default:
			if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			i++
			p.breaks++
			if p.mode >= modeJunk {
				p.endLine() // junk, a name, or the words after "endsolid"
			}
		}
	}
}

// endLine ends what a line break ends: junk, a name.
func (p *asciiParser) endLine() {
	if p.mode == modeName {
		p.endName()
	}
	p.maybe = 0
	p.mode = modeStmt
}

// word handles one word of the text.
func (p *asciiParser) word(w []byte) {
	switch p.mode {
	case modeCoord:
		p.coordinate(w)
	case modeStmt:
		p.statement(w, p.line())
	case modeSkip, modeJunk:
		if isKeyword(w) {
			p.mode = modeStmt
			p.statement(w, p.line())
		}
	default: // modeName, modeEndsolid
		if p.maybe > 0 {
			line := p.maybe
			p.maybe = 0
			if len(w) == len("normal") && equalFold(w, "normal") {
				// "facet normal": the name ended before "facet".
				if p.mode == modeName {
					p.name = p.name[:p.nameCut]
					p.endName()
				}
				p.mode = modeStmt
				p.statement(facetWord, line)
				return // "normal" is junk after "facet"
			}
		}
		switch {
		case p.mode == modeName && len(w) == len("endsolid") && equalFold(w, "endsolid"):
			p.endName()
			p.statement(w, p.line())
			return
		case p.mode == modeEndsolid && p.skipped > 0 && len(w) == len("solid") && equalFold(w, "solid"):
			p.mode = modeStmt
			p.statement(w, p.line())
			return
		}
		p.skipped++
		if p.mode == modeName {
			p.nameCut = len(p.name)
			if len(p.name) > 0 {
				p.name = appendBounded(p.name, p.gap)
			}
			p.name = appendBounded(p.name, w)
			p.gap = p.gap[:0]
		}
		if len(w) == len("facet") && equalFold(w, "facet") {
			p.maybe = p.line()
		}
	}
}

var facetWord = []byte("facet")

// appendBounded appends as much of b to s as keeps s within maxName+4
// bytes: enough to know a name was cut, and where.
func appendBounded(s, b []byte) []byte {
	return append(s, b[:min(len(b), max(0, maxName+4-len(s)))]...)
}

// endName ends the name of the solid being read.
func (p *asciiParser) endName() {
	p.gap = p.gap[:0]
	p.mode = modeStmt
}

// isKeyword reports whether w is one of the grammar's keywords, in any case.
func isKeyword(w []byte) bool {
	switch len(w) {
	case 5:
		return equalFold(w, "facet") || equalFold(w, "outer") || equalFold(w, "solid")
	case 6:
		return equalFold(w, "vertex")
	case 7:
		return equalFold(w, "endloop")
	case 8:
		return equalFold(w, "endfacet") || equalFold(w, "endsolid")
	}
	return false
}

// statement handles the keyword kw on line.
func (p *asciiParser) statement(kw []byte, line int) {
	if len(kw) >= 5 && len(kw) <= 8 {
		switch kw[0] | 0x20 {
		case 'v':
			if equalFold(kw, "vertex") {
				if p.facetLine == 0 {
					p.fail(line, 0, ErrSyntax, "%q outside a facet", "vertex")
				} else if p.vertices == 3 {
					p.fail(line, p.facetLine, ErrSyntax, "a fourth vertex in the facet of line %d; a facet has three")
				}
				p.mode, p.coords, p.vertexLine = modeCoord, 0, line
				return
			}
		case 'f':
			if equalFold(kw, "facet") {
				if p.facetLine > 0 {
					p.fail(line, p.facetLine, ErrSyntax, "\"facet\" inside the facet of line %d, which has no \"endfacet\"")
				}
				p.markSolid()
				p.facetLine, p.vertices, p.mode = line, 0, modeSkip
				return
			}
		case 'o':
			if equalFold(kw, "outer") {
				p.needFacet(line, "outer")
				p.mode = modeSkip
				return
			}
		case 'e':
			switch {
			case equalFold(kw, "endloop"):
				p.needFacet(line, "endloop")
				p.needThree(line)
				p.mode = modeJunk
				return
			case equalFold(kw, "endfacet"):
				p.needFacet(line, "endfacet")
				p.needThree(line)
				p.facetLine, p.mode = 0, modeJunk
				return
			case equalFold(kw, "endsolid"):
				p.noFacet(line, "endsolid")
				p.mode, p.skipped = modeEndsolid, 0
				return
			}
		case 's':
			if equalFold(kw, "solid") {
				p.noFacet(line, "solid")
				// A solid with no face yet is replaced by this one: empty
				// solids cost nothing, however many there are.
				p.solidOpen = true
				p.name, p.gap = p.name[:0], p.gap[:0]
				p.mode = modeName
				return
			}
		}
	}
	p.fail(line, 0, ErrSyntax, "unexpected %q, want a keyword such as \"facet\", \"vertex\" or \"endsolid\"", clip(kw))
}

// markSolid stores the open solid, if any, at the face about to be read.
func (p *asciiParser) markSolid() {
	if !p.solidOpen {
		return
	}
	p.solidOpen = false
	face := p.kept + p.n/9
	mk := solidMark{face: face, name: trimName(p.name)}
	if n := len(p.marks); n > 0 && p.marks[n-1].face == face {
		p.marks[n-1] = mk // the solid before has no face (all dropped)
		return
	}
	p.marks = append(p.marks, mk)
}

// trimName returns the name kept of the bytes read: at most maxName bytes,
// not ending inside a UTF-8 character, without trailing white space.
func trimName(b []byte) string {
	if len(b) > maxName {
		b = b[:maxName]
		for k := 0; k < 3 && len(b) > 0; k++ {
			if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
				break
			}
			b = b[:len(b)-1]
		}
	}
	return string(bytes.TrimRight(b, " \t\v\f"))
}

// coordinate handles a word after "vertex".
func (p *asciiParser) coordinate(w []byte) {
	v, ok := 0.0, false
	if len(w) < maxToken {
		v, ok = parseFloat(w)
	}
	if !ok {
		if isKeyword(w) {
			p.fail(p.vertexLine, 0, ErrSyntax, "vertex has %d coordinates, want 3", p.coords)
		} else {
			p.fail(p.line(), 0, ErrSyntax, "vertex coordinate %q is not a number", clip(w))
		}
		return
	}
	p.xyz[p.coords] = float32(v)
	p.coords++
	if p.coords < 3 {
		return
	}
	p.mode = modeStmt
	// Writing through an index rather than append keeps the slice header,
	// a pointer, out of the hot loop: while the garbage collector runs,
	// every pointer store is a write barrier and an unsafe point for
	// asynchronous preemption, and a loop full of them made stopping this
	// goroutine take hundreds of retried signals.
	if p.n+3 > len(p.pos) {
		p.pos = append(p.pos[:p.n], make([]float32, len(p.pos)+9)...)
	}
	p.pos[p.n], p.pos[p.n+1], p.pos[p.n+2] = p.xyz[0], p.xyz[1], p.xyz[2]
	p.n += 3
	p.vertices++
	if p.vertices == 3 {
		// v*0 is 0 for every finite v and NaN otherwise: a face with a
		// NaN or infinite coordinate is dropped at once.
		f := p.pos[p.n-9 : p.n : p.n]
		if f[0]*0+f[1]*0+f[2]*0+f[3]*0+f[4]*0+f[5]*0+f[6]*0+f[7]*0+f[8]*0 != 0 {
			p.n -= 9
			p.dropped++
		}
	}
}

func (p *asciiParser) needFacet(line int, kw string) {
	if p.facetLine == 0 {
		p.fail(line, 0, ErrSyntax, "%q outside a facet", kw)
	}
}

func (p *asciiParser) noFacet(line int, kw string) {
	if p.facetLine > 0 {
		p.fail(line, p.facetLine, ErrSyntax, "\""+kw+"\" inside the facet of line %d, which has no \"endfacet\"")
	}
}

func (p *asciiParser) needThree(line int) {
	if p.facetLine > 0 && p.vertices != 3 {
		p.fail(line, p.facetLine, ErrSyntax, "the facet of line %d has %d vertices, want 3", p.vertices)
	}
}

// finish ends a run: at a clean cut, the next word is a "facet" that opens
// a facet; at the end of the input, nothing follows.
func (p *asciiParser) finish(end runEnd) {
	if end == endDirty || p.err != nil {
		return
	}
	if p.mode == modeCoord {
		p.fail(p.vertexLine, 0, ErrSyntax, "vertex has %d coordinates, want 3", p.coords)
		p.err.eof = end == endEOF
		return
	}
	if p.mode == modeName {
		p.endName()
	}
	p.mode, p.maybe, p.skipToken = modeStmt, 0, false
	if end == endEOF && p.facetLine > 0 {
		p.fail(p.facetLine, 0, ErrTruncated, "the file ends inside this facet")
		p.err.eof = true
		return
	}
	p.markSolid()
}

// process computes the normals, bounds and degenerate faces of the whole
// faces read.
func (p *asciiParser) process() {
	if p.err != nil {
		return
	}
	faces := p.n / 9
	if cap(p.nrm) < 3*faces {
		p.nrm = make([]float32, 3*faces, 3*faces+3*faces/4)
	}
	p.nrm = p.nrm[:3*faces]
	processFaces(p.pos[:9*faces], p.nrm, 0, &p.stats)
}

// clip shortens a word quoted in an error message.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

// firstSolidName returns the name of the first solid in the text b, a
// file's first bytes (all of it if whole), by the rules the parser
// follows, or "" if the text does not start with "solid".
func firstSolidName(b []byte, whole bool) string {
	b = skipBOMAndSpace(b)
	if !hasKeyword(b, "solid") {
		return ""
	}
	p := newASCIIParser()
	p.parse(b, whole)
	if len(p.marks) > 0 {
		return p.marks[0].name
	}
	return trimName(p.name)
}
