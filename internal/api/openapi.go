package api

import (
	_ "embed"
	"net/http"
)

// The OpenAPI description is a file kept beside the handlers; a test checks
// that it and the registered routes name the same operations.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}
