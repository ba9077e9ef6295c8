package services

import "context"

// TrackingNos returns id → tracking number (受理编号) of the applications
// among ids: how the audit page names a case, without its applicant.
func (s *Service) TrackingNos(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.numbers(ctx, `SELECT id, tracking_no FROM service_applications WHERE `, ids)
}

// CertificateNumbers returns id → number (证明编号) of the certificates
// among ids, for the audit page.
func (s *Service) CertificateNumbers(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.numbers(ctx, `SELECT id, number FROM certificates WHERE `, ids)
}

// numbers runs query (id, number) over the ids.
func (s *Service) numbers(ctx context.Context, query string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	a := s.db.Args()
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	rows, err := s.db.QueryContext(ctx, query+a.In("id", in...), a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var no string
		if err := rows.Scan(&id, &no); err != nil {
			return nil, err
		}
		out[id] = no
	}
	return out, rows.Err()
}
