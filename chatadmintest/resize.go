package chatadmintest

import (
	"image"
	"image/draw"
	"math"
)

// Image sizes on the longest side, as the provider documents them: small
// 160, medium 600, large 1500 px. "full" is the original.
var imageSizes = map[string]int{"small": 160, "medium": 600, "large": 1500}

// fitLongest returns the size of a w×h image scaled so that its longest side
// is target, or w×h itself when it is already that small: images are never
// upscaled (a guess; the service's behaviour for small images is not
// documented).
func fitLongest(w, h, target int) (int, int) {
	longest := max(w, h)
	if longest <= target {
		return w, h
	}
	f := float64(target) / float64(longest)
	dw := max(1, int(math.Round(float64(w)*f)))
	dh := max(1, int(math.Round(float64(h)*f)))
	if w >= h {
		dw = target
	} else {
		dh = target
	}
	return dw, dh
}

// contrib is one source pixel's share in a destination pixel.
type contrib struct {
	src    int
	weight float64
}

// axisWeights computes, for each of dn destination pixels, the source pixels
// its footprint covers and by how much (area averaging, i.e. a box filter
// whose width is the scale factor: right for downscaling, which is all the
// emulator does).
func axisWeights(sn, dn int) [][]contrib {
	scale := float64(sn) / float64(dn)
	out := make([][]contrib, dn)
	for d := range dn {
		lo, hi := float64(d)*scale, float64(d+1)*scale
		var cs []contrib
		for s := int(math.Floor(lo)); s < int(math.Ceil(hi)) && s < sn; s++ {
			w := math.Min(hi, float64(s+1)) - math.Max(lo, float64(s))
			if w > 0 {
				cs = append(cs, contrib{s, w / scale})
			}
		}
		out[d] = cs
	}
	return out
}

// resizeArea scales src to dw×dh by area averaging, separably (rows, then
// columns), on premultiplied RGBA so that transparent pixels do not bleed
// their colour.
func resizeArea(src image.Image, dw, dh int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	rgba, ok := src.(*image.RGBA)
	if !ok || rgba.Rect.Min != (image.Point{}) {
		rgba = image.NewRGBA(image.Rect(0, 0, sw, sh))
		draw.Draw(rgba, rgba.Bounds(), src, b.Min, draw.Src)
	}
	xw, yw := axisWeights(sw, dw), axisWeights(sh, dh)
	// Horizontal pass: sh rows of dw pixels, as floats.
	tmp := make([]float64, sh*dw*4)
	for y := range sh {
		row := rgba.Pix[y*rgba.Stride : y*rgba.Stride+sw*4]
		out := tmp[y*dw*4 : (y+1)*dw*4]
		for x, cs := range xw {
			var r, g, b, a float64
			for _, c := range cs {
				i := c.src * 4
				r += float64(row[i]) * c.weight
				g += float64(row[i+1]) * c.weight
				b += float64(row[i+2]) * c.weight
				a += float64(row[i+3]) * c.weight
			}
			out[x*4], out[x*4+1], out[x*4+2], out[x*4+3] = r, g, b, a
		}
	}
	// Vertical pass.
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	acc := make([]float64, dw*4)
	for y, cs := range yw {
		clear(acc)
		for _, c := range cs {
			src := tmp[c.src*dw*4 : (c.src+1)*dw*4]
			for i, v := range src {
				acc[i] += v * c.weight
			}
		}
		o := dst.Pix[y*dst.Stride : y*dst.Stride+dw*4]
		for i, v := range acc {
			o[i] = uint8(min(255, max(0, math.Round(v))))
		}
	}
	return dst
}
