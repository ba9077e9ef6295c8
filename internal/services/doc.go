// Package services is the one-stop service hall (一站式服务大厅): the
// catalogue of service items, intake at a window, handling across the
// community, street and district on the resident's behalf (代办, "1+3"),
// the public progress lookup, SMS at each stage, certificates (证明) with a
// public verify page, household index cards, and applications (办件) as an
// entity of report indicators.
//
// # Applications
//
// An application (办件, Application) lies where its applicant lives: it
// carries the person's community_id, grid_id and org_id and every list
// filters by an access.Scope. Its item's handling chain (e.g. 社区受理 →
// 街道审核 → 区级审批) is copied at intake. States:
//
//	incomplete  materials missing at intake; the resident got the one-time
//	            complete list (一次性告知); the legal clock has not started
//	processing  受理: at stage N of the chain, waiting in that level's queue
//	returned    sent back for materials (退回补正); the clock is paused
//	approved    办结 (the last stage approved)
//	rejected    不予批准/不予受理, with the reason
//
// Deadlines are counted in working days on a Calendar (the shared
// working-day calendar with Chinese holidays and 调休); each stage has its
// own deadline and the case has the legal one. Every step is appended to
// service_steps; the public view of the steps (stage names and dates,
// nothing personal) is kept with the row so the public lookup is one read.
//
// Who may do what is data (permissions in migration 030): services.intake
// at the window (window_clerk, community staff), services.handle.community,
// .street and .district for the stages of each level, services.certify for
// certificates, services.manage for the catalogue. A handler may act on an
// application only when the stage's level permission covers its place.
//
// # Reports
//
// Applications are the entity 办件 of report indicators (indicator_source.go):
// counts by item, category, status and level, 在办, 已受理, 已办结, 按期, 逾期,
// 代办, ratings and working days taken, for any unit and period. A past
// period's end is replayed from the steps through the same transitions the
// hall runs, so last month's open cases are those open then. Stats and
// StageCounts are the hall's own page and API figures, as things stand today.
//
// # Public lookup
//
// Lookup takes a tracking number and the last four digits of the
// applicant's phone. A wrong number, wrong digits or a locked number all
// give the same ErrNoMatch, in the same way, so a caller learns nothing,
// not even whether the number exists; a Limiter bounds attempts per client
// and per tracking number.
package services
