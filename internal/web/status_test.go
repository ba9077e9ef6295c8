package web

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"shequ/internal/fault"
)

// kinded is a capability's richer error type as the mapping meets it:
// known only through FaultKind.
type kinded struct{ k fault.Kind }

func (e *kinded) Error() string         { return "richer" }
func (e *kinded) FaultKind() fault.Kind { return e.k }

func TestStatus(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, http.StatusOK},
		{errors.New("disk full"), http.StatusInternalServerError},
		{fault.New(fault.Internal, "x"), http.StatusInternalServerError},
		{fault.Fields{"name": "请填写名称"}, http.StatusUnprocessableEntity},
		{fault.New(fault.Invalid, "x"), http.StatusUnprocessableEntity},
		{fault.New(fault.NotFound, "记录不存在"), http.StatusNotFound},
		{fault.New(fault.Conflict, "x"), http.StatusConflict},
		{fault.New(fault.Forbidden, "没有权限"), http.StatusForbidden},
		{fault.New(fault.Unauthorized, "请先登录"), http.StatusUnauthorized},
		{fault.New(fault.Illegal, "x"), http.StatusConflict},
		{fault.New(fault.Refused, "x"), http.StatusConflict},
		{fault.New(fault.TooMany, "x"), http.StatusTooManyRequests},
		{&kinded{fault.Conflict}, http.StatusConflict},
		{&kinded{fault.NotFound}, http.StatusNotFound},
		// Wrapping keeps the kind: a store's context must not turn a 404
		// into a 500.
		{fmt.Errorf("load person 7: %w", fault.New(fault.NotFound, "记录不存在")), http.StatusNotFound},
		{fmt.Errorf("save: %w", fault.Fields{"phone": "手机号码格式不对"}), http.StatusUnprocessableEntity},
	}
	for _, c := range cases {
		if got := Status(c.err); got != c.want {
			t.Errorf("Status(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
