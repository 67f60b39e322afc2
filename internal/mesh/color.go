package mesh

import (
	"bytes"
	"encoding/binary"
)

// Binary STL has two incompatible colour conventions for the 16-bit
// attribute word at the end of each record.
//
// Materialise Magics writes "COLOR=" followed by a default RGBA colour (or
// "MATERIAL=" followed by diffuse, specular and ambient RGBA colours) into
// the header. Bit 15 clear means the face has its own colour, red in bits
// 0-4, green in 5-9, blue in 10-14; bit 15 set means the default colour.
//
// VisCAM and SolidView write nothing in the header. Bit 15 set means the
// face has a valid colour, blue in bits 0-4, green in 5-9, red in 10-14 (red
// and blue swapped against Materialise); bit 15 clear means no colour. Old
// Blender exports fill the word with 0x2020 ("  "), which this reads,
// correctly, as no colour.

// colorDecoder reads the face colours of a binary file from its records'
// attribute words, chunk by chunk on the decoding goroutines. It holds only
// the header's convention: the colours go where the caller says.
type colorDecoder struct {
	materialise bool  // the header follows the Materialise convention
	def         Color // its default colour
}

func newColorDecoder(header []byte) *colorDecoder {
	def, ok := materialiseDefault(header)
	return &colorDecoder{materialise: ok, def: def}
}

// chunk decodes the colours of the records in buf into dst, one a record
// (A = 0 for a face without a colour of its own), and reports whether any
// face has one. Any number of goroutines may call it at once.
func (cd *colorDecoder) chunk(buf []byte, dst []Color) bool {
	any := false
	dst = dst[:len(buf)/recordSize]
	for i := range dst {
		a := binary.LittleEndian.Uint16(buf[recordSize*i+48:])
		var c Color
		switch {
		case cd.materialise && a&0x8000 == 0:
			c = Color{R: expand5(a), G: expand5(a >> 5), B: expand5(a >> 10), A: 255}
		case cd.materialise:
			c = cd.def
		case a&0x8000 != 0:
			c = Color{R: expand5(a >> 10), G: expand5(a >> 5), B: expand5(a), A: 255}
		}
		dst[i] = c
		any = any || c.A != 0
	}
	return any
}

// materialiseDefault reports whether header follows the Materialise
// convention and returns its default colour: the RGBA bytes after "COLOR=",
// else the diffuse colour after "MATERIAL=". Missing bytes read as zero.
func materialiseDefault(header []byte) (Color, bool) {
	for _, key := range []string{"COLOR=", "MATERIAL="} {
		i := bytes.Index(header, []byte(key))
		if i < 0 {
			continue
		}
		var rgba [4]byte
		copy(rgba[:], header[i+len(key):])
		return Color{rgba[0], rgba[1], rgba[2], rgba[3]}, true
	}
	return Color{}, false
}

// expand5 scales the low five bits of v to eight bits, so 31 becomes 255.
func expand5(v uint16) uint8 {
	c := uint8(v & 0x1f)
	return c<<3 | c>>2
}

// pack5 is the inverse of expand5 for encoders.
func pack5(c uint8) uint16 { return uint16(c >> 3) }
