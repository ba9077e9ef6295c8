package events

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/draw"
	_ "image/gif" // decoders for the accepted formats
	"image/jpeg"
	_ "image/png"

	"shequ/internal/filename"
)

// Photo is an attachment ready to store: re-encoded as JPEG.
type Photo struct {
	Name        string
	ContentType string
	Data        []byte
	Width       int
	Height      int
}

// Limits on uploaded photos. Phones take 3–8 MB, 12-megapixel pictures;
// stored at most 1600 px on the long side they are 200–400 KB, enough to
// see a broken manhole cover or a pile of rubbish.
const (
	MaxUpload = 10 << 20   // bytes of one uploaded photo
	maxPixels = 50_000_000 // larger images are refused before decoding (decompression bombs)
	maxSide   = 1600
	quality   = 80
)

// Photo errors, in Chinese for the field that caused them.
var (
	ErrPhotoEmpty = errors.New("照片文件为空")
	ErrPhotoSize  = errors.New("每张照片不能超过10 MB")
	ErrPhotoType  = errors.New("只能上传 JPEG、PNG 或 GIF 格式的照片")
	ErrPhotoBad   = errors.New("照片无法识别,可能已损坏")
	ErrPhotoHuge  = errors.New("照片像素过大(超过5000万像素)")
)

// photoSignatures are the first bytes of the formats photos are accepted
// in, as net/http's content sniffing knows them.
var photoSignatures = []struct {
	format string
	magic  string
}{
	{"jpeg", "\xFF\xD8\xFF"},
	{"png", "\x89PNG\r\n\x1A\n"},
	{"gif", "GIF87a"},
	{"gif", "GIF89a"},
}

// photoFormat names the accepted format data starts like, "" for any other.
func photoFormat(data []byte) string {
	for _, s := range photoSignatures {
		if bytes.HasPrefix(data, []byte(s.magic)) {
			return s.format
		}
	}
	return ""
}

// decoding a photo takes tens of megabytes; two at a time is plenty for a
// small server
var photoSlots = make(chan struct{}, 2)

// PreparePhoto checks an uploaded image by its content (not its claimed
// type or name), turns it upright by its EXIF orientation, shrinks it to
// at most 1600 px and re-encodes it as JPEG — which also drops the EXIF
// data, with the place the picture was taken and the phone's make.
func PreparePhoto(name string, data []byte) (Photo, error) {
	switch {
	case len(data) == 0:
		return Photo{}, ErrPhotoEmpty
	case len(data) > MaxUpload:
		return Photo{}, ErrPhotoSize
	}
	if photoFormat(data) == "" {
		return Photo{}, ErrPhotoType
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Photo{}, ErrPhotoBad
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Photo{}, ErrPhotoBad
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return Photo{}, ErrPhotoHuge
	}
	photoSlots <- struct{}{}
	defer func() { <-photoSlots }()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Photo{}, ErrPhotoBad
	}
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	// White under transparent PNG and GIF pixels, as JPEG has no alpha.
	draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Over)
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > maxSide {
		w, h = max(1, w*maxSide/long), max(1, h*maxSide/long)
		rgba = shrink(rgba, w, h)
	}
	if format == "jpeg" {
		rgba = orient(rgba, exifOrientation(data))
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, rgba, &jpeg.Options{Quality: quality}); err != nil {
		return Photo{}, err
	}
	return Photo{Name: photoName(name), ContentType: "image/jpeg", Data: out.Bytes(),
		Width: rgba.Bounds().Dx(), Height: rgba.Bounds().Dy()}, nil
}

// photoName keeps a short, harmless file name ending in .jpg.
func photoName(name string) string { return filename.Stem(name, "照片") + ".jpg" }

// shrink scales src down to w×h by averaging the source pixels each
// destination pixel covers.
func shrink(src *image.RGBA, w, h int) *image.RGBA {
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		y0, y1 := y*sh/h, (y+1)*sh/h
		if y1 <= y0 {
			y1 = y0 + 1
		}
		for x := 0; x < w; x++ {
			x0, x1 := x*sw/w, (x+1)*sw/w
			if x1 <= x0 {
				x1 = x0 + 1
			}
			var r, g, b, n uint32
			for yy := y0; yy < y1; yy++ {
				off := yy*src.Stride + x0*4
				for xx := x0; xx < x1; xx++ {
					r += uint32(src.Pix[off])
					g += uint32(src.Pix[off+1])
					b += uint32(src.Pix[off+2])
					off += 4
					n++
				}
			}
			o := y*dst.Stride + x*4
			dst.Pix[o], dst.Pix[o+1], dst.Pix[o+2], dst.Pix[o+3] = uint8(r/n), uint8(g/n), uint8(b/n), 255
		}
	}
	return dst
}

// orient turns an image as its EXIF orientation (1–8) says it should be
// shown.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			copy(dst.Pix[y*dst.Stride+x*4:y*dst.Stride+x*4+4], src.Pix[sy*src.Stride+sx*4:sy*src.Stride+sx*4+4])
		}
	}
	return dst
}

// exifOrientation reads the orientation tag (0x0112) of a JPEG's EXIF
// block; 1 (upright) when there is none.
func exifOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xDA || marker == 0xD9 { // image data: no EXIF before it
			return 1
		}
		size := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if size < 2 || i+2+size > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+size]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + size
	}
	return 1
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:8]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[ifd : ifd+2]))
	for k := 0; k < n; k++ {
		e := ifd + 2 + k*12
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:e+2]) == 0x0112 {
			o := int(bo.Uint16(t[e+8 : e+10]))
			if o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}
