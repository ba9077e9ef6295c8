package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReferenceAnswersTheRealResponsesSize(t *testing.T) {
	for _, p := range []ReferencePage{
		{Status: http.StatusCreated, ContentType: "application/json", Size: 97},
		{Status: http.StatusOK, ContentType: "text/html; charset=utf-8", Size: 14690},
	} {
		w := httptest.NewRecorder()
		referenceHandler(p).ServeHTTP(w, httptest.NewRequest("POST", "/api/v1/events", strings.NewReader(`{"org_id":1}`)))
		body, _ := io.ReadAll(w.Body)
		if w.Code != p.Status || len(body) != p.Size || w.Header().Get("Content-Type") != p.ContentType {
			t.Errorf("%+v: %d, %d bytes, %q", p, w.Code, len(body), w.Header().Get("Content-Type"))
		}
	}
}
