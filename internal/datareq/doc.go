// Package datareq holds departments' data requests (一表通): each item is
// checked against the indicator catalogue and the register; what shequ
// computes becomes a subscription the department downloads each period, and
// only the remainder goes to the review group as a 准入 request.
package datareq
