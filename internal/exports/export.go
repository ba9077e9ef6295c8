package exports

import (
	"context"
	"fmt"
	"io"
	"os"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/codes"
	"shequ/internal/ident"
	"shequ/internal/register"
	"shequ/internal/sheets"
)

// Export writes the persons of sc in a template's layout to w, as xlsx or
// csv, and returns how many it wrote. Each value passes through the field
// set of the viewer at the person's place: hidden fields stay empty, ID
// and phone numbers come masked where the role sees them masked.
func (s *Service) Export(ctx context.Context, sc access.Scope, t *Template, format string, w io.Writer) (int, error) {
	out, err := sheets.NewWriter(w, format, t.Name)
	if err != nil {
		return 0, err
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Header
	}
	if err := out.WriteRow(header); err != nil {
		return 0, err
	}
	names := map[int64]string{}
	unitName := func(id int64) string {
		if id == 0 {
			return ""
		}
		n, ok := names[id]
		if !ok {
			if u, err := s.org.Get(ctx, id); err == nil {
				n = u.Name
			}
			names[id] = n
		}
		return n
	}
	day := s.now().Format("2006-01-02")
	n := 0
	values := make([]string, len(t.Columns))
	err = s.reg.EachForExport(ctx, sc, t.Tag, day, func(r *register.ExportRow) error {
		p := &r.Person
		f := sc.Fields(p.Place())
		for i, c := range t.Columns {
			values[i] = cell(f, c.Field, r, t.Tag, unitName)
		}
		n++
		return out.WriteRow(values)
	})
	if err != nil {
		return n, err
	}
	return n, out.Close()
}

// cell is one field of a row as the viewer may see it, codes written as
// their Chinese names.
func cell(f access.Fields, field string, r *register.ExportRow, tag string, unitName func(int64) string) string {
	p := &r.Person
	switch field {
	case "household_number":
		return f.Text("household", "number", r.HouseholdNumber)
	case "community":
		return unitName(p.CommunityID)
	case "grid":
		return unitName(p.GridID)
	case "tag_started_on", "tag_ended_on", "tag_note":
		if tag == "" || !f.CanSeeTag(tag) {
			return ""
		}
		return map[string]string{"tag_started_on": r.Tag.StartedOn, "tag_ended_on": r.Tag.EndedOn, "tag_note": r.Tag.Note}[field]
	case "id_number":
		return f.ID("person", field, p.IDNumber)
	case "phone":
		return f.Phone("person", field, p.Phone)
	}
	v := personText(p, field)
	return f.Text("person", field, v)
}

func personText(p *register.Person, field string) string {
	switch field {
	case "name":
		return p.Name
	case "doc_type":
		return ident.DocType(p.DocType).Label()
	case "gender":
		return register.GenderNames[p.Gender]
	case "birth_date":
		// 1990-09 when only the month is known: never a day nobody knows.
		return p.Birth()
	case "ethnicity":
		n, _ := codes.EthnicityName(p.Ethnicity)
		return n
	case "relation":
		n, _ := codes.RelationName(p.Relation)
		return n
	case "residence":
		return register.ResidenceNames[p.Residence]
	case "hukou_address":
		return p.HukouAddress
	case "address":
		return p.Address
	case "occupation":
		return p.Occupation
	case "moved_in_on":
		return p.MovedInOn
	}
	return ""
}

// Download writes an export to a temporary file, records it in the audit
// log with its row count before anything is sent, and returns the file,
// rewound, for the caller to send and then close (closing removes it).
func (s *Service) Download(ctx context.Context, log *audit.Log, e audit.Entry, sc access.Scope, t *Template, format string) (*TempFile, int, error) {
	f, err := os.CreateTemp("", "shequ-export-*")
	if err != nil {
		return nil, 0, err
	}
	tf := &TempFile{File: f}
	n, err := s.Export(ctx, sc, t, format, f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		tf.Close()
		return nil, 0, err
	}
	e.Action, e.Entity, e.EntityID, e.Rows = audit.Export, "export_template", t.ID, n
	if e.Detail == "" {
		e.Detail = fmt.Sprintf("%s「%s」%s", t.DepartmentName, t.Name, format)
	}
	if log != nil {
		if err := log.RecordNow(ctx, e); err != nil {
			tf.Close()
			return nil, 0, err
		}
	}
	return tf, n, nil
}

// TempFile is a file removed when closed.
type TempFile struct{ *os.File }

// Close closes and removes the file.
func (t *TempFile) Close() error {
	err := t.File.Close()
	os.Remove(t.Name())
	return err
}
