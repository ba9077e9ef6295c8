package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"shequ/internal/api"
	"shequ/internal/web"
)

// maxHeaderBytes bounds a request's line and headers. The server itself
// allows far more (http.Server answers beyond its own limit in plain
// text), so that limitHeaders answers first, in the words of the page or
// API asked.
const maxHeaderBytes = 64 << 10

// refuser answers what the server refuses before any route runs — a query
// that is not text, headers too long — in the form the caller reads: the
// API's JSON error naming the field, Open311's error list, or the Chinese
// error page.
type refuser struct{ kit *web.Kit }

func (rf refuser) refuse(w http.ResponseWriter, r *http.Request, status int, field, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case strings.HasPrefix(r.URL.Path, "/open311/"):
		// GeoReport v2's error list, in JSON whatever the format asked for.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		b, _ := json.Marshal([]map[string]any{{"code": status, "description": msg}})
		w.Write(append(b, '\n'))
	case strings.HasPrefix(r.URL.Path, "/api/"):
		var fields map[string]string
		if field != "" {
			fields = map[string]string{field: msg}
		}
		api.WriteError(w, status, msg, fields)
	default:
		rf.kit.ErrorPage(w, r, nil, status)
	}
}

// cleanQuery refuses query strings that are not valid UTF-8 or carry NUL
// characters: no form of the system sends them, and PostgreSQL refuses to
// store or compare them.
func (rf refuser) cleanQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, vs := range r.URL.Query() {
			if !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
				rf.refuse(w, r, http.StatusBadRequest, "query", "查询参数名包含无效字符")
				return
			}
			for _, v := range vs {
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
					rf.refuse(w, r, http.StatusBadRequest, name, "查询参数 "+name+" 包含无效字符(应为 UTF-8 文本)")
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// limitHeaders refuses a request whose line and headers together pass
// maxHeaderBytes, with 431 naming the query or the longest header.
func (rf refuser) limitHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, longest, longestLen := len(r.Method)+len(r.RequestURI)+len(r.Proto)+4, "", 0
		for k, vs := range r.Header {
			for _, v := range vs {
				n += len(k) + len(v) + 4
				if len(k)+len(v) > longestLen {
					longest, longestLen = k, len(k)+len(v)
				}
			}
		}
		if n <= maxHeaderBytes {
			next.ServeHTTP(w, r)
			return
		}
		if len(r.RequestURI) >= longestLen {
			rf.refuse(w, r, http.StatusRequestHeaderFieldsTooLarge, "query",
				fmt.Sprintf("网址和查询参数过长(请求头合计超过 %d KB),请减少查询条件", maxHeaderBytes>>10))
			return
		}
		rf.refuse(w, r, http.StatusRequestHeaderFieldsTooLarge, longest,
			fmt.Sprintf("请求头 %s 过长(请求头合计超过 %d KB)", longest, maxHeaderBytes>>10))
	})
}
