package mesh

import "bytes"

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

// binaryColors returns one colour per face from the header and the
// attribute words, or nil when no face has a colour.
func binaryColors(header []byte, attrs []uint16) []Color {
	if def, ok := materialiseDefault(header); ok {
		colors := make([]Color, len(attrs))
		any := false
		for i, a := range attrs {
			c := def
			if a&0x8000 == 0 {
				c = Color{R: expand5(a), G: expand5(a >> 5), B: expand5(a >> 10), A: 255}
			}
			colors[i] = c
			any = any || c.A != 0
		}
		if !any {
			return nil
		}
		return colors
	}
	first := -1
	for i, a := range attrs {
		if a&0x8000 != 0 {
			first = i
			break
		}
	}
	if first < 0 {
		return nil
	}
	colors := make([]Color, len(attrs))
	for i, a := range attrs[first:] {
		if a&0x8000 != 0 {
			colors[first+i] = Color{R: expand5(a >> 10), G: expand5(a >> 5), B: expand5(a), A: 255}
		}
	}
	return colors
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
