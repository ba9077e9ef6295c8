package eventsweb

import (
	"errors"
	"net/http"

	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/web"
)

// kinded gives the events store's errors the fault kinds they do not carry
// yet, so that the pages answer every error by its kind (web.Status,
// fault.Message, fault.FieldsOf). Once the store's errors carry their kinds
// themselves, every error passes through unchanged and this can go.
func kinded(err error) error {
	if err == nil || fault.KindOf(err) != fault.Internal {
		return err
	}
	var fe register.FieldErrors
	var ie *events.IllegalError
	var ce *events.ConflictError
	switch {
	case errors.As(err, &fe):
		return fault.Fields(fe)
	case errors.As(err, &ie):
		return kindError{err, fault.Illegal}
	case errors.As(err, &ce):
		return kindError{err, fault.Conflict}
	case errors.Is(err, events.ErrForbidden):
		return kindError{err, fault.Forbidden}
	case errors.Is(err, events.ErrNotFound):
		return kindError{err, fault.NotFound}
	}
	return err
}

type kindError struct {
	error
	kind fault.Kind
}

func (e kindError) FaultKind() fault.Kind { return e.kind }
func (e kindError) Unwrap() error         { return e.error }

// fail answers an error no form shows at its fields with the error page of
// its kind.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, rq *web.Request, err error) {
	h.kit.Fail(w, r, rq, kinded(err))
}
