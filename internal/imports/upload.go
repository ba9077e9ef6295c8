package imports

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"shequ/internal/fault"
)

// Upload is a file sent from the web, kept in the spool directory while a
// person maps its columns, then by its import until the import ends. The
// file holds personal data: it is readable by the server's user only, and
// uploads left unmapped are removed after a day.
type Upload struct {
	Token      string    `json:"token"`
	UserID     int64     `json:"user_id"`
	Department string    `json:"department"`
	UnitID     int64     `json:"unit_id"`
	FileName   string    `json:"file_name"`
	Size       int64     `json:"size"`
	CreatedAt  time.Time `json:"created_at"`
}

// ErrNoUpload is returned for an upload that does not exist, has expired or
// belongs to someone else.
var ErrNoUpload = fault.New(fault.NotFound, "上传的文件已过期或不存在,请重新上传")

var tokenPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Path is where the upload's file lies.
func (s *Service) uploadPath(token, ext string) string { return filepath.Join(s.SpoolDir, token+ext) }

// SaveUpload writes an uploaded file to the spool, refusing one over the
// size limit, and returns its record.
func (s *Service) SaveUpload(userID int64, department string, unitID int64, fileName string, r io.Reader) (*Upload, string, error) {
	if err := os.MkdirAll(s.SpoolDir, 0o700); err != nil {
		return nil, "", err
	}
	s.sweepUploads()
	var b [16]byte
	rand.Read(b[:])
	u := &Upload{Token: hex.EncodeToString(b[:]), UserID: userID, Department: department, UnitID: unitID,
		FileName: cleanFileName(fileName), CreatedAt: s.now()}
	path := s.uploadPath(u.Token, ".data")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, "", err
	}
	n, err := io.Copy(f, io.LimitReader(r, s.Limits.MaxBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > s.Limits.MaxBytes {
		err = fault.Fields{"file": fmt.Sprintf("文件超过 %d MB 的上限,请分成几个文件导入", s.Limits.MaxBytes>>20)}
	}
	if err == nil && n == 0 {
		err = fault.Fields{"file": "请选择要导入的文件"}
		if strings.TrimSpace(fileName) != "" {
			err = fault.Fields{"file": fmt.Sprintf("文件 %s 是空的(0 字节),请检查后重新选择", u.FileName)}
		}
	}
	if err != nil {
		os.Remove(path)
		return nil, "", err
	}
	u.Size = n
	meta, _ := json.Marshal(u)
	if err := os.WriteFile(s.uploadPath(u.Token, ".json"), meta, 0o600); err != nil {
		os.Remove(path)
		return nil, "", err
	}
	return u, path, nil
}

// Upload returns an upload of the user, with the path of its file.
func (s *Service) Upload(token string, userID int64) (*Upload, string, error) {
	if !tokenPattern.MatchString(token) {
		return nil, "", ErrNoUpload
	}
	b, err := os.ReadFile(s.uploadPath(token, ".json"))
	if err != nil {
		return nil, "", ErrNoUpload
	}
	var u Upload
	if json.Unmarshal(b, &u) != nil || u.UserID != userID {
		return nil, "", ErrNoUpload
	}
	path := s.uploadPath(token, ".data")
	if _, err := os.Stat(path); err != nil {
		return nil, "", ErrNoUpload
	}
	return &u, path, nil
}

// ForgetUpload drops an upload's record; its file stays when an import
// took it over.
func (s *Service) ForgetUpload(token string, keepFile bool) {
	if !tokenPattern.MatchString(token) {
		return
	}
	os.Remove(s.uploadPath(token, ".json"))
	if !keepFile {
		os.Remove(s.uploadPath(token, ".data"))
	}
}

// sweepUploads removes uploads left unmapped for a day.
func (s *Service) sweepUploads() {
	entries, err := os.ReadDir(s.SpoolDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		if info, err := e.Info(); err == nil && s.now().Sub(info.ModTime()) > 24*time.Hour {
			token := strings.TrimSuffix(e.Name(), ".json")
			s.ForgetUpload(token, false)
		}
	}
}

// cleanFileName keeps the base name of an uploaded file, without path or
// control characters.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "上传文件"
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	return name
}
