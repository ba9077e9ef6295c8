// Package events keeps events (事件) from report to a verified close: what
// grid workers find on their rounds, what residents report on the public
// page or through Open311, what the 12345 line transfers and other systems
// send. It owns the categories (大类/小类) with their default handling
// level, responsible department (归口) and time limits per step and
// urgency; the workflow as an explicit state machine (machine.go); the
// clock of each step on the working-day calendar (internal/workdays) with
// 督办 notices when a step nears or passes its deadline; dispute mediation
// (矛盾纠纷调解) records; lists, work queues, the map counts, KPIs; the
// residents' public view by tracking number; notifications through the
// outbox (internal/notify).
//
// # Workflow
//
//	上报 reported ─受理→ 社区自办 community ─反馈→ 待核查 verifying
//	               └受理并上报街道→ escalated ─立案→ filed ─派遣→ dispatched ─签收→ handling ─反馈→ verifying
//	                                                    └上报区县→ district ─派遣→ dispatched
//	verifying ─核查通过→ verified ─结案→ closed ─评价→ closed;   verifying ─返工→ dispatched (community)
//	dispatched/handling ─申请退回→ return_requested ─同意→ filed/district, ─驳回→ handling
//	不予受理 rejected, 合并 merged, 转办 transferred end an event early; 改类 and 改地点 correct it
//	without losing its history; 督办 and 补充说明 can be added at any time.
//
// Store.Act takes one step: it refuses actions the status does not allow
// (IllegalError), actors without the capacity (ErrForbidden: the community
// office, the street or district platform, the department dispatched to,
// the grid worker), stale actions (ConflictError, listing the steps taken
// meanwhile) and bad fields (fault.Fields); it records who, when,
// in what capacity, with what note and photos; and it starts the next
// step's clock and enqueues the notifications, in one transaction.
//
// # Who sees what
//
// Events carry community_id, grid_id and org_id and are scoped like the
// register: a viewer sees the events at places where they hold events.read,
// and a department's staff (events.handle in a department role) those
// dispatched to their department within their jurisdiction. CanSee is the
// rule; every list, count and page applies it.
//
// # Deadlines and overdue
//
// Each timed step (受理, 立案, 派遣, 处置, 核查, 结案) has a limit per category
// and urgency in minutes or hours (round the clock), natural days, working
// hours or working days (on the calendar). The deadline is an instant; an
// event is overdue when the present is after it — Event.Overdue in Go,
// OverdueSQL in queries — the one definition behind every list, the map,
// the KPIs, the counts and the notices. Timers live in the events table
// (timer_at): the Scheduler finds the events whose time has come, so they
// survive restarts, and issues 普通督办 when warn_percent of the step's time
// has run (to the handler), 黄牌 when the deadline passes (and to its
// supervisor), 红牌 after red_after more (and one level further up).
//
// # Events as a report entity
//
// Counts(ctx, scope, CountQuery) counts events by any of the Dimensions
// (category, group, status, open, overdue, community, grid, department,
// source, urgency, level, month, day), filtered by the same; Matching
// returns the events behind a count. Both take an access.Scope.
//
// # Speed
//
// On SQLite the store's write transactions are group-committed by one
// goroutine (Store.tx), every statement stays prepared on its connection
// (database/stmtcache.go), and
// the residents' progress view is cached for a few seconds.
package events
