package adminweb

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/sheets"
	"shequ/internal/web"
)

// A street's thirty grid workers are set up from one sheet, as `shequ user
// import` does from the command line: the file is taken whole or not at
// all, and the passwords the import chose are shown once, on the page that
// answers the upload, and kept nowhere.

// maxAccountFile bounds an account list: thousands of rows fit in it.
const maxAccountFile = 2 << 20

type userImportData struct {
	Problems []sheets.Problem
	Error    string
	Result   *access.AccountImport
}

func (h *handler) userImportForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.tmpl.Render(w, r, http.StatusOK, "admin_user_import", web.NewPage(rq, "批量导入账号", "users", userImportData{}))
}

func (h *handler) importUsers(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d, status := h.readAndImport(r, rq)
	h.tmpl.Render(w, r, status, "admin_user_import", web.NewPage(rq, "批量导入账号", "users", d))
}

// readAndImport reads the uploaded list and imports it; the status is the
// page's: 200 with what was made, 422 with what is wrong in the file.
func (h *handler) readAndImport(r *http.Request, rq *web.Request) (userImportData, int) {
	file, header, err := r.FormFile("file")
	if err != nil {
		return userImportData{Error: "请选择账号名单文件(xlsx 或 csv)"}, http.StatusUnprocessableEntity
	}
	defer file.Close()
	ra, ok := file.(io.ReaderAt)
	if !ok || header.Size > maxAccountFile {
		return userImportData{Error: "文件过大,请分成几个文件导入"}, http.StatusUnprocessableEntity
	}
	f, err := access.ReadAccountFile(ra, header.Size, filepath.Base(header.Filename))
	if err == nil {
		var res access.AccountImport
		res, err = h.Access.ImportAccounts(r.Context(), h.Accounts, f, rq.User.Name)
		if err == nil {
			return userImportData{Result: &res}, http.StatusOK
		}
	}
	var ps sheets.Problems
	var bad *sheets.Error
	switch {
	case errors.As(err, &ps):
		return userImportData{Problems: ps}, http.StatusUnprocessableEntity
	case errors.As(err, &bad):
		return userImportData{Error: bad.Msg}, http.StatusUnprocessableEntity
	case fault.KindOf(err) != fault.Internal:
		return userImportData{Error: fault.Message(err)}, http.StatusUnprocessableEntity
	}
	h.kit.Log.Error("user import", "user", rq.User.ID, "err", err)
	return userImportData{Error: "导入失败,已记录;请稍后再试"}, http.StatusInternalServerError
}
