package events

import (
	"context"

	"shequ/internal/access"
)

// What a viewer sees of an event and may do with it now: the rules the
// pages and the API share.

// Reporter is who reported e as v may see them: the name and phone by v's
// field set for events where v reads events, or else where v handles them
// for a department.
func Reporter(v *access.Viewer, e *Event) (name, phone string) {
	f := personalFields(v, e)
	return f.Text("event", "reporter_name", e.ReporterName), f.Phone("event", "reporter_phone", e.ReporterPhone)
}

// Allowed lists the actions v may take on e as it stands now, in the order
// pages offer them.
func (s *Store) Allowed(ctx context.Context, v *access.Viewer, e *Event) []string {
	var out []string
	for _, a := range Actions(e.Status) {
		if s.May(ctx, v, a, e) {
			out = append(out, a)
		}
	}
	return out
}
