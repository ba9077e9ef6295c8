package web

import (
	"context"
	"errors"
	"net/http"
)

type errorData struct {
	Status  int
	Heading string
	Message string
}

var errorTexts = map[int][2]string{
	http.StatusBadRequest:                  {"请求有误", "提交的内容无法识别,请返回后重试。"},
	http.StatusUnauthorized:                {"请重新登录", "登录已过期或已退出,刚才提交的内容没有保存。请重新登录后再操作。"},
	http.StatusForbidden:                   {"无法完成操作", "您没有此项操作的权限,或页面已过期、请求未通过安全校验。请返回上一页,刷新后重新提交。"},
	http.StatusNotFound:                    {"找不到该页面", "您要找的页面或记录不存在,或不在您负责的范围内。"},
	http.StatusRequestEntityTooLarge:       {"文件太大", "上传的文件超过了允许的大小,没有保存。请分成几个文件后再上传。"},
	http.StatusRequestHeaderFieldsTooLarge: {"请求过长", "网址或请求头过长,无法处理。请减少查询条件后重试。"},
	http.StatusInternalServerError:         {"服务器出错了", "处理请求时出现问题,已记录。请稍后再试;如果一再出现,请联系管理员。"},
}

// ErrorPage shows a Chinese error page that never says more than its status.
func (k *Kit) ErrorPage(w http.ResponseWriter, r *http.Request, rq *Request, status int) {
	t, ok := errorTexts[status]
	if !ok {
		t = [2]string{http.StatusText(status), ""}
	}
	w.Header().Set("Cache-Control", "no-store")
	k.own.Render(w, r, status, "error", NewPage(rq, t[0], "", errorData{Status: status, Heading: t[0], Message: t[1]}))
}

// ServerError logs err with the request's path (never its query string,
// which may hold a name or an ID number) and shows the 500 page.
func (k *Kit) ServerError(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the browser went away
	}
	attrs := []any{"method", r.Method, "path", r.URL.Path, "err", err}
	if rq != nil {
		attrs = append(attrs, "user", rq.User.ID)
	}
	k.Log.Error("web", attrs...)
	k.ErrorPage(w, r, rq, http.StatusInternalServerError)
}

// Fail answers an error a capability returned with the error page of its
// kind (Status): not found (or out of scope) is the 404 page, a conflict the
// 409 page; an internal error is logged and the 500 page. Errors a form can
// show at its fields are the handler's to show before it calls Fail.
func (k *Kit) Fail(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	status := Status(err)
	if status >= 500 {
		k.ServerError(w, r, rq, err)
		return
	}
	k.ErrorPage(w, r, rq, status)
}
