package services

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/archive"
	"shequ/internal/database"
)

// Contribute adds the service hall's sections to household archives: the
// household's applications and its members' certificates, each as the
// viewer's services.read scope allows.
func (s *Service) Contribute(r *archive.Registry) {
	r.Add("applications", "办件", 10, s.archiveApplications)
	r.Add("certificates", "证明", 20, s.archiveCertificates)
}

const archiveLimit = 20

func (s *Service) archiveApplications(ctx context.Context, v *access.Viewer, h archive.Household) (archive.Section, error) {
	as, more, err := s.List(ctx, v.Scope(PermRead), Filter{Household: h.ID, Community: h.CommunityID, Limit: archiveLimit})
	if err != nil {
		return archive.Section{}, err
	}
	sec := archive.Section{More: more}
	for _, a := range as {
		status := a.StatusName()
		if a.Status == StatusProcessing {
			status = a.CurrentStage().Name + "中"
		}
		sec.Entries = append(sec.Entries, archive.Entry{
			Date:   dateOf(database.ParseTime(a.CreatedAt)),
			Title:  a.ItemName,
			Detail: a.Applicant + " · 受理编号 " + a.TrackingNo,
			Status: status,
			Alert:  s.Overdue(a),
			Link:   "/services/applications/" + itoa64(a.ID),
		})
	}
	return sec, nil
}

func (s *Service) archiveCertificates(ctx context.Context, v *access.Viewer, h archive.Household) (archive.Section, error) {
	sec := archive.Section{}
	scope := v.Scope(PermRead)
	for _, m := range h.Members {
		cs, err := s.Certificates(ctx, scope, m, archiveLimit)
		if err != nil {
			return sec, err
		}
		for _, c := range cs {
			status := "有效"
			if c.Status == CertRevoked {
				status = "已作废"
			}
			sec.Entries = append(sec.Entries, archive.Entry{Date: c.IssuedOn(), Title: c.Title,
				Detail: c.Holder + " · " + c.Number, Status: status, Link: "/services/certificates/" + itoa64(c.ID)})
		}
	}
	return sec, nil
}

func itoa64(n int64) string {
	if n < 0 {
		return "-" + itoa64(-n)
	}
	if n < 10 {
		return itoa(int(n))
	}
	return itoa64(n/10) + itoa(int(n%10))
}
