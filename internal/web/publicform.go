package web

import "net/http"

// Pages without a session (the residents' pages) parse their own forms and
// guard them with a double-submit token: a random value in a cookie that the
// form repeats, which another site can neither read nor set.

// PublicToken is the double-submit token in the named cookie, set to a new
// one when the browser holds none.
func (k *Kit) PublicToken(w http.ResponseWriter, r *http.Request, cookie string) string {
	if c, err := r.Cookie(cookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	t := randomToken()
	k.SetCookie(w, cookie, t, 0)
	return t
}

// PublicTokenOK reports whether a posted form repeats the token of the
// named cookie.
func PublicTokenOK(r *http.Request, cookie string) bool {
	c, err := r.Cookie(cookie)
	return err == nil && sameToken(r.PostFormValue("csrf"), c.Value)
}
