// Package satisfaction puts the residents' ratings together as one
// 群众满意度 figure per community: the ratings of events (事件处置), of
// applications (办事), of visits (入户走访) and of volunteer activities
// (志愿服务活动). Each capability keeps its own ratings (1–5 stars; 4 or 5
// is 满意) and says how to read them; this package counts them per part
// and month, makes them an entity of report indicators, serves the staff's
// page and lets a verified resident rate the visits and activities they
// had.
//
// The combined figure is satisfied ÷ rated over all four parts: each part
// weighs by its number of ratings, so the figure is the share of all the
// ratings that were satisfied, and a part few residents rated moves it
// little. A part nobody rated in a period has no share (shown as —), never
// a zero.
package satisfaction
