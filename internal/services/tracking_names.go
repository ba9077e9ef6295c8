package services

import "context"

// TrackingNos returns id → tracking number (受理编号) of the applications
// among ids: how the audit page names a case, without its applicant.
func (s *Service) TrackingNos(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.db.TextByID(ctx, `SELECT id, tracking_no FROM service_applications WHERE `, ids)
}

// CertificateNumbers returns id → number (证明编号) of the certificates
// among ids, for the audit page.
func (s *Service) CertificateNumbers(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.db.TextByID(ctx, `SELECT id, number FROM certificates WHERE `, ids)
}
