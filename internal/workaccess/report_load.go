package workaccess

import "context"

// ReportLoad is what the reports ask of every community each month: the
// items of their templates, and of those the ones shequ computes from the
// register so that nobody types them (the reports' burden counter). The
// reports capability answers it; the server wires it (CountReports).
type ReportLoad interface {
	ReportLoad(ctx context.Context) (items, computed int, err error)
}

// CountReports has the burden count the report indicators demanded of the
// communities by l.
func (s *Service) CountReports(l ReportLoad) { s.reports = l }

// JiangxiShare is the part of the indicators demanded of communities that
// 江西's 一表通 removed by hand (1,849 → 904, 51 %), in percent: the mark
// the share shequ computes is measured against.
const JiangxiShare = 51
