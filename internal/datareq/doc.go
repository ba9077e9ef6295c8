// Package datareq holds departments' data requests (一表通): each item is
// checked against the indicator catalogue and the register; what shequ
// computes becomes a subscription the department downloads each period in
// its own layout, and each remaining item goes to the review group as its
// own 准入 request.
package datareq
