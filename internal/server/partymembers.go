package server

import (
	"context"
	"log/slog"
	"time"

	"shequ/internal/database"
	"shequ/internal/partymembers"
	"shequ/internal/register"
	"shequ/internal/visits"
)

// remindEvery is how often the server runs the party members' reminder
// pass: a reminder goes once per due day however often it runs, so an
// hourly run makes a day's reminders go out in the morning after a restart
// as surely as on a server that ran all night.
const remindEvery = time.Hour

// partyApp assembles 在职党员双报到: the service, recording pairing visits
// through vs, and the reminder pass of the six-monthly re-reports while
// the server runs. stop ends the pass and waits for it.
func partyApp(db *database.DB, reg *register.Store, vs *visits.Service, log *slog.Logger) (ps *partymembers.Service, stop func()) {
	ps = partymembers.NewService(db, reg, vs, nil)
	return ps, runEvery(log, "party members: reminders", remindEvery, func(ctx context.Context) ([]any, error) {
		r, err := ps.Remind(ctx)
		if err != nil || r.Reminders == 0 {
			return nil, err
		}
		return []any{"members", r.Reminders, "sms", r.SMS, "overdue", r.Overdue}, nil
	})
}
