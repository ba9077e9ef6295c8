package web

// What the kit's external tests (web_test.go) read of its insides.
const (
	SessionCookie = sessionCookie
	LoginCookie   = loginCookie
)

var SafeNext = safeNext
