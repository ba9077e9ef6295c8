// Package filename makes the names uploaded files are kept and served
// under: a phone's or a scanner's name, without its folders, extension,
// the characters no file system or download takes, and kept short.
package filename

import (
	"path"
	"strings"
	"unicode/utf8"
)

// maxRunes bounds the stem: a name a download dialog shows whole.
const maxRunes = 40

// Stem is name's harmless stem, or fallback when nothing is left; the
// caller adds the extension of what the file really holds.
func Stem(name, fallback string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSuffix(name, path.Ext(name))
	var b strings.Builder
	for _, r := range name {
		if r >= 32 && !strings.ContainsRune(`/\:*?"<>|`, r) {
			b.WriteRune(r)
		}
	}
	name = b.String()
	for utf8.RuneCountInString(name) > maxRunes {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." {
		return fallback
	}
	return name
}
