package hallweb

import (
	"bytes"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/web"
)

// Certificates (证明) for staff: issue one from a template and the
// register, see it, print it, revoke it. The public verify page is in
// portalweb.
//
// A certificate states the holder's (and a relative's) ID number in full:
// that is what makes it usable at a school or a bank. Pages show those
// numbers as the viewer's field set says (masked for every default role);
// the printed PDF carries them in full only for a viewer who may reveal
// numbers at the holder's place (register.reveal, which every role that
// issues certificates holds by default), and the download is recorded in
// the audit log as an export saying so. Anyone else gets the PDF with the
// numbers masked.

func (h *pages) certificateRoutes(rt *web.Routes) {
	certify := access.Rule{Perm: services.PermCertify}
	cert := func(perm, action string) access.Rule {
		return access.Rule{Perm: perm, Object: "certificate", Audit: action}
	}
	h.kit.Handle(rt, "GET /services/certificates", access.Rule{Perm: services.PermRead}, h.certificates)
	h.kit.Handle(rt, "GET /services/certificates/new", access.Rule{Perm: services.PermCertify, Audit: audit.Search}, h.newCertificateForm)
	h.kit.Handle(rt, "POST /services/certificates/new", certify, h.issueCertificate)
	h.kit.Handle(rt, "GET /services/certificates/{id}", cert(services.PermRead, audit.View), h.certificate)
	h.kit.Handle(rt, "GET /services/certificates/{id}/pdf", cert(services.PermCertify, audit.Export), h.certificatePDF)
	h.kit.Handle(rt, "POST /services/certificates/{id}/revoke", cert(services.PermCertify, ""), h.revokeCertificate)
}

// idNumbers finds resident ID numbers (18 digits, or 17 and X; the legacy
// 15) in a certificate's text.
var idNumbers = regexp.MustCompile(`\b(\d{17}[\dXx]|\d{15})\b`)

// maskIDs shows the ID numbers in text as f allows for persons' numbers.
func maskIDs(f access.Fields, text string) string {
	if f.View("person", "id_number") == access.Full {
		return text
	}
	return idNumbers.ReplaceAllStringFunc(text, func(n string) string { return ident.MaskID(n) })
}

type certificatesData struct {
	Rows       []services.Certificate
	CanCertify bool
}

func (h *pages) certificates(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	cs, err := h.svc.Certificates(r.Context(), rq.Viewer.Scope(services.PermRead), 0, 100)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(cs)
	h.tmpl.Render(w, r, http.StatusOK, "services_certificates", web.NewPage(rq, "证明", "services",
		certificatesData{Rows: cs, CanCertify: rq.Viewer.Can(services.PermCertify)}))
}

type certificateForm struct {
	Q           string
	Searched    bool
	SearchErr   string
	Persons     []web.PersonRow
	Person      *register.Person
	PersonF     access.Fields
	Members     []register.Person // the household's other members, for 亲属关系证明
	Templates   []services.Template
	Template    string
	Relative    int64
	Purpose     string
	Application int64
	Errors      fault.Fields
	Summary     []web.ErrItem
}

var certificateFormFields = []string{"person", "template", "relative", "purpose", "application"}

func (h *pages) newCertificateForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	f := certificateForm{Q: strings.TrimSpace(q.Get("q")), Template: q.Get("template")}
	person, _ := strconv.ParseInt(q.Get("person"), 10, 64)
	f.Application, _ = strconv.ParseInt(q.Get("application"), 10, 64)
	if f.Application != 0 {
		a, err := h.svc.Application(r.Context(), rq.Viewer.Scope(services.PermCertify), f.Application)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		person = a.PersonID
		if it, err := h.svc.Item(r.Context(), a.ItemCode); err == nil && f.Template == "" {
			f.Template = it.Certificate
		}
	}
	// The bare form searched nothing and showed nobody.
	rq.Audit.Nothing = person == 0 && !q.Has("q")
	h.renderCertificateForm(w, r, rq, http.StatusOK, f, person)
}

func (h *pages) renderCertificateForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f certificateForm, person int64) {
	ctx := r.Context()
	scope := rq.Viewer.Scope(services.PermCertify)
	var err error
	if f.Templates, err = h.svc.Templates(ctx); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	active := f.Templates[:0]
	for _, t := range f.Templates {
		if t.Active {
			active = append(active, t)
		}
	}
	f.Templates = active
	if person != 0 {
		p, err := h.reg.Person(ctx, scope, person)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		f.Person, f.PersonF = &p, scope.Fields(p.Place())
		rq.Place, rq.Audit.Entity, rq.Audit.ID = p.Place(), "person", p.ID
		if p.HouseholdID != 0 {
			hh, err := h.reg.Household(ctx, scope, p.HouseholdID)
			if err != nil && !errors.Is(err, register.ErrNotFound) {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			if err == nil {
				ms, err := h.reg.Members(ctx, scope, hh)
				if err != nil {
					h.kit.ServerError(w, r, rq, err)
					return
				}
				for _, m := range ms {
					if m.ID != p.ID && m.Status == "active" {
						f.Members = append(f.Members, m)
					}
				}
			}
		}
	} else if f.Searched = r.URL.Query().Has("q"); f.Searched {
		found, err := h.searchPersons(ctx, rq, scope, "certificate", f.Q)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		f.Persons, f.SearchErr = found.Rows, found.FieldErr
		if found.FieldErr != "" {
			status = http.StatusUnprocessableEntity
		}
	}
	f.Summary = web.Summarize(f.Errors, certificateFormFields)
	h.tmpl.Render(w, r, status, "services_certificate_form", web.NewPage(rq, "出具证明", "services", f))
}

func (h *pages) issueCertificate(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	person, _ := strconv.ParseInt(v("person"), 10, 64)
	relative, _ := strconv.ParseInt(v("relative"), 10, 64)
	application, _ := strconv.ParseInt(v("application"), 10, 64)
	c, err := h.svc.Issue(r.Context(), staff(rq), services.IssueRequest{Template: v("template"), PersonID: person,
		RelativeID: relative, Purpose: v("purpose"), ApplicationID: application})
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		rq.Place, rq.Audit.Entity, rq.Audit.ID = c.Place(), "certificate", c.ID
		h.kit.Log.Info("certificate issued", "certificate", c.ID, "user", rq.User.ID)
		h.kit.SetFlash(w, "issued")
		http.Redirect(w, r, "/services/certificates/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	case fe != nil:
		f := certificateForm{Template: v("template"), Relative: relative, Purpose: v("purpose"), Application: application, Errors: fe}
		if fe["person"] != "" {
			person = 0
		}
		h.renderCertificateForm(w, r, rq, http.StatusUnprocessableEntity, f, person)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}

type certificateData struct {
	C          services.Certificate
	Body       []string // paragraphs, numbers as the viewer may see them
	VerifyCode string
	VerifyURL  string
	CanCertify bool
	FullPDF    bool // the PDF will carry the numbers in full
	Errors     fault.Fields
	Message    string
	Reason     string
}

func (h *pages) certificate(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.showCertificate(w, r, rq, http.StatusOK, certificateData{})
}

func (h *pages) showCertificate(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d certificateData) {
	id, _ := web.PathID(r)
	c, err := h.svc.Certificate(r.Context(), rq.Viewer.Scope(services.PermRead), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	f := rq.Viewer.Scope(services.PermRead).Fields(c.Place())
	d.C = c
	d.Body = strings.Split(maskIDs(f, c.Body), "\n")
	d.VerifyCode = services.FormatVerifyCode(c.VerifyCode)
	d.VerifyURL = h.svc.VerifyURL(c.VerifyCode)
	d.CanCertify = rq.Viewer.CanAt(services.PermCertify, c.Place())
	d.FullPDF = rq.Viewer.CanAt(access.RegisterReveal, c.Place())
	h.tmpl.Render(w, r, status, "services_certificate", web.NewPage(rq, c.Title+" "+c.Number, "services", d))
}

func (h *pages) certificatePDF(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	c, err := h.svc.Certificate(r.Context(), rq.Viewer.Scope(services.PermCertify), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	detail := "证明 " + c.Number
	if rq.Viewer.CanAt(access.RegisterReveal, c.Place()) {
		detail += "(含完整证件号码)"
	} else {
		c.Body = maskIDs(access.Fields{}, c.Body)
	}
	var buf bytes.Buffer
	if err := h.svc.WriteCertificate(&buf, c); err != nil {
		h.kit.PDFFail(w, r, rq, err)
		return
	}
	h.kit.SendPDF(w, r, rq, web.PDF{Route: "GET /services/certificates/{id}/pdf", Entity: "certificate", ID: c.ID,
		Community: c.CommunityID, Rows: 1, Detail: detail, Filename: "certificate-" + strconv.FormatInt(c.ID, 10) + ".pdf",
		Body: buf.Bytes()})
}

func (h *pages) revokeCertificate(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	_, err := h.svc.Revoke(r.Context(), staff(rq), id, web.FormVersion(r), reason)
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		h.kit.Log.Info("certificate revoked", "certificate", id, "user", rq.User.ID)
		h.kit.SetFlash(w, "cert_revoked")
		http.Redirect(w, r, "/services/certificates/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case fe != nil:
		h.showCertificate(w, r, rq, http.StatusUnprocessableEntity, certificateData{Errors: fe, Reason: reason})
	case fault.Is(err, fault.Conflict), fault.Is(err, fault.Illegal):
		// Revoked meanwhile, or no longer revocable: said on the certificate.
		h.showCertificate(w, r, rq, http.StatusConflict, certificateData{Message: fault.Message(err)})
	default:
		h.kit.Fail(w, r, rq, err)
	}
}
