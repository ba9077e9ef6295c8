package events

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

// testJPEG makes a prepared photo of w×h.
func testJPEG(t *testing.T, w, h int) Photo {
	t.Helper()
	p, err := PreparePhoto("现场.jpg", rawJPEG(t, w, h, nil))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// rawJPEG encodes a picture whose left half is red and right half blue,
// with an APP1 EXIF segment inserted when exif is given.
func rawJPEG(t *testing.T, w, h int, exif []byte) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{220, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if exif != nil {
		seg := append([]byte{0xFF, 0xE1, 0, 0}, exif...)
		binary.BigEndian.PutUint16(seg[2:4], uint16(len(exif)+2))
		data = append(append(append([]byte{}, data[:2]...), seg...), data[2:]...)
	}
	return data
}

// exifWithOrientation is a minimal little-endian EXIF block holding one
// tag: the orientation.
func exifWithOrientation(o uint16) []byte {
	b := []byte("Exif\x00\x00II*\x00")
	b = binary.LittleEndian.AppendUint32(b, 8) // IFD0 at offset 8
	b = binary.LittleEndian.AppendUint16(b, 1) // one entry
	b = binary.LittleEndian.AppendUint16(b, 0x0112)
	b = binary.LittleEndian.AppendUint16(b, 3) // SHORT
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint16(b, o)
	b = append(b, 0, 0)
	return binary.LittleEndian.AppendUint32(b, 0)
}

func TestPreparePhoto(t *testing.T) {
	// A big phone picture is shrunk to 1600 px and stays JPEG.
	p := testJPEG(t, 3200, 2400)
	if p.Width != 1600 || p.Height != 1200 || p.ContentType != "image/jpeg" || p.Name != "现场.jpg" {
		t.Errorf("prepared %dx%d %s %q", p.Width, p.Height, p.ContentType, p.Name)
	}
	// Taken on its side (orientation 6): turned upright, the red half on top.
	raw := rawJPEG(t, 400, 200, exifWithOrientation(6))
	if exifOrientation(raw) != 6 {
		t.Fatal("orientation not read")
	}
	p, err := PreparePhoto("x.jpg", raw)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 200 || img.Bounds().Dy() != 400 {
		t.Errorf("not rotated: %v", img.Bounds())
	}
	r, _, b, _ := img.At(100, 50).RGBA()
	if r < b {
		t.Error("rotated the wrong way: the top is not red")
	}
	if bytes.Contains(p.Data, []byte("Exif")) {
		t.Error("EXIF data kept")
	}
	// PNG with transparency becomes JPEG on white.
	pi := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	var pb bytes.Buffer
	png.Encode(&pb, pi)
	if p, err := PreparePhoto("图.png", pb.Bytes()); err != nil || p.Name != "图.jpg" {
		t.Errorf("png: %v %q", err, p.Name)
	}

	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"empty":      {nil, ErrPhotoEmpty},
		"text":       {[]byte("<html>not a picture</html>"), ErrPhotoType},
		"too big":    {make([]byte, MaxUpload+1), ErrPhotoSize},
		"truncated":  {rawJPEG(t, 50, 50, nil)[:200], ErrPhotoBad},
		"pixel bomb": {pngHeader(20000, 20000), ErrPhotoHuge},
		"zero size":  {[]byte("GIF89a\x00\x00\x00\x00\x00\x00\x00"), ErrPhotoBad},
	} {
		if _, err := PreparePhoto("a.jpg", c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if n := photoName(`C:\照片\..\<危险>名字` + strings.Repeat("长", 60) + ".png"); strings.ContainsAny(n, `\/<>`) || len([]rune(n)) > 44 {
		t.Errorf("photo name %q", n)
	}
}

// pngHeader is the start of a PNG claiming w×h pixels: enough for
// DecodeConfig, which must refuse it before anything is decoded.
func pngHeader(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
	return b
}

// TestPhotoFormat holds photoFormat to what net/http's content sniffing,
// which it replaces, said about the same bytes.
func TestPhotoFormat(t *testing.T) {
	for _, data := range [][]byte{
		[]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"),
		[]byte("\xFF\xD8\xFF\xE1\x00\x10Exif\x00\x00"),
		[]byte("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR"),
		[]byte("GIF87a\x01\x00\x01\x00"),
		[]byte("GIF89a\x01\x00\x01\x00"),
		[]byte("\xFF\xD8"),        // cut short
		[]byte("\x89PNG\r\n\x1A"), // cut short
		[]byte("GIF88a\x01\x00"),  // no such version
		[]byte("RIFF\x00\x00\x00\x00WEBPVP8 "),
		[]byte("BM\x00\x00\x00\x00"), // bmp
		[]byte("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"),
		[]byte("%PDF-1.7\n"),
		[]byte("hello"),
		{},
	} {
		want := map[string]string{"image/jpeg": "jpeg", "image/png": "png", "image/gif": "gif"}[http.DetectContentType(data)]
		if got := photoFormat(data); got != want {
			t.Errorf("photoFormat(%q) = %q, net/http sniffs %q", data, got, want)
		}
	}
}
