package mesh

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
)

// ColorConvention selects how EncodeBinary writes face colours.
type ColorConvention uint8

const (
	// NoColors writes attribute words of zero.
	NoColors ColorConvention = iota
	// Materialise writes "COLOR=" and the default colour into the header and
	// clears bit 15 on faces with a colour of their own (red in bits 0-4).
	Materialise
	// VisCAM sets bit 15 on faces with a colour (blue in bits 0-4).
	VisCAM
)

// BinaryOptions are the settings of EncodeBinary.
type BinaryOptions struct {
	// Header is written at the start of the 80-byte header, cut to fit.
	Header string
	// Colors selects the colour convention; faces use m.Colors.
	Colors ColorConvention
	// Default is the Materialise default colour, used by faces without one.
	Default Color
}

// EncodeBinary writes m as binary STL, stored normals included.
func EncodeBinary(w io.Writer, m *Mesh, opt BinaryOptions) error {
	faces := m.Faces()
	if int64(faces) > math.MaxUint32 {
		return fmt.Errorf("stl: %d faces do not fit a binary STL", faces)
	}
	var head [countEnd]byte
	n := copy(head[:headerSize], opt.Header)
	if opt.Colors == Materialise && n+len("COLOR=")+4 <= headerSize {
		n += copy(head[n:], "COLOR=")
		copy(head[n:], []byte{opt.Default.R, opt.Default.G, opt.Default.B, opt.Default.A})
	}
	binary.LittleEndian.PutUint32(head[headerSize:], uint32(faces))
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(head[:])
	var rec [recordSize]byte
	for f := range faces {
		nrm := m.Normal(f)
		a, b, c := m.Face(f)
		for i, v := range [12]float32{nrm[0], nrm[1], nrm[2], a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2]} {
			binary.LittleEndian.PutUint32(rec[4*i:], math.Float32bits(v))
		}
		binary.LittleEndian.PutUint16(rec[48:], attribute(m, f, opt.Colors))
		bw.Write(rec[:])
	}
	return bw.Flush()
}

// attribute returns the attribute word of face f under convention cv.
func attribute(m *Mesh, f int, cv ColorConvention) uint16 {
	if m.Colors == nil || m.Colors[f].A == 0 {
		if cv == Materialise {
			return 0x8000 // use the default colour
		}
		return 0
	}
	c := m.Colors[f]
	switch cv {
	case Materialise:
		return pack5(c.R) | pack5(c.G)<<5 | pack5(c.B)<<10
	case VisCAM:
		return 0x8000 | pack5(c.B) | pack5(c.G)<<5 | pack5(c.R)<<10
	}
	return 0
}

// EncodeASCII writes m as ASCII STL, one "solid" block per solid, numbers
// in the "%e" form most exporters use.
func EncodeASCII(w io.Writer, m *Mesh) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	vec := func(prefix string, v [3]float32) {
		buf = append(buf[:0], prefix...)
		for i, x := range v {
			if i > 0 {
				buf = append(buf, ' ')
			}
			buf = strconv.AppendFloat(buf, float64(x), 'e', 6, 32)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	solids := m.Solids
	if len(solids) == 0 {
		solids = []Solid{{Count: m.Faces()}}
	}
	for _, s := range solids {
		fmt.Fprintf(bw, "solid %s\n", s.Name)
		for f := s.First; f < s.First+s.Count; f++ {
			a, b, c := m.Face(f)
			vec("  facet normal ", m.Normal(f))
			bw.WriteString("    outer loop\n")
			vec("      vertex ", a)
			vec("      vertex ", b)
			vec("      vertex ", c)
			bw.WriteString("    endloop\n  endfacet\n")
		}
		fmt.Fprintf(bw, "endsolid %s\n", s.Name)
	}
	return bw.Flush()
}
