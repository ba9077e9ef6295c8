package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"
)

// FontEnv names the environment variable that points at the TrueType font
// to use instead of the Debian one.
const FontEnv = "SHEQU_PDF_FONT"

// DebianFonts are the places a Debian or Ubuntu system keeps a CJK TrueType
// font that works here (fonts-arphic-gbsn00lp: AR PL SungtiL GB, a 宋体 with
// Latin digits). Noto CJK is CFF and DroidSansFallback lacks digits, so
// neither is listed.
var DebianFonts = []string{
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/arphic/gbsn00lp.ttf",
}

// ErrNoFont is returned (wrapped) when no usable Chinese font is found.
var ErrNoFont = errors.New("找不到用于生成 PDF 的中文字体:请安装 fonts-arphic-gbsn00lp(apt-get install fonts-arphic-gbsn00lp),或用环境变量 " + FontEnv + " 指定一个 TrueType(.ttf)中文字体文件")

var font struct {
	mu   sync.Mutex
	path string
	data []byte
}

// FontPath returns the font file New will use: $SHEQU_PDF_FONT when set,
// otherwise the first of DebianFonts that exists.
func FontPath() (string, error) {
	if p := os.Getenv(FontEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s 指定的字体文件 %s 无法读取: %w", FontEnv, p, err)
		}
		return p, nil
	}
	for _, p := range DebianFonts {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", ErrNoFont
}

// fontBytes reads the font once per process (it is 5 MB; each document
// parses it and embeds only the glyphs it uses). A failure is not cached, so
// installing the font later works without a restart.
func fontBytes() ([]byte, error) {
	p, err := FontPath()
	if err != nil {
		return nil, err
	}
	font.mu.Lock()
	defer font.mu.Unlock()
	if font.path == p && font.data != nil {
		return font.data, nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("读取字体文件 %s 失败: %w", p, err)
	}
	if err := checkTrueType(p, b); err != nil {
		return nil, err
	}
	font.path, font.data = p, b
	return b, nil
}

// checkTrueType refuses the font files the PDF writer cannot embed, with a
// message that says what to do instead of a broken document.
func checkTrueType(p string, b []byte) error {
	switch {
	case len(b) < 12:
		return fmt.Errorf("字体文件 %s 不是有效的 TrueType 字体", p)
	case bytes.Equal(b[:4], []byte("ttcf")):
		return fmt.Errorf("字体文件 %s 是字体集(.ttc),需要单独的 TrueType(.ttf)文件;可安装 fonts-arphic-gbsn00lp", p)
	case bytes.Equal(b[:4], []byte("OTTO")):
		return fmt.Errorf("字体文件 %s 是 CFF 轮廓的 OpenType 字体(如 Noto CJK),需要 TrueType 轮廓的 .ttf;可安装 fonts-arphic-gbsn00lp", p)
	case !bytes.Equal(b[:4], []byte{0, 1, 0, 0}) && !bytes.Equal(b[:4], []byte("true")):
		return fmt.Errorf("字体文件 %s 不是有效的 TrueType 字体", p)
	}
	return nil
}
