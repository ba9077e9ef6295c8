// Package workaccess keeps 社区工作准入: the catalogue of what a community
// does by law (履职事项), does for a department (协助事项) and must not be
// asked to do (负面清单), and the departments' requests to add work to it,
// which must arrive a number of working days before the work starts and
// which the review group decides within a number of working days, both
// counted on the working-day calendar. Work not in the catalogue is no
// community's obligation.
//
// 费随事转: what is owed follows from the items' funding rules and the
// work done; the work done of a community, item and month is what its
// staff recorded at /work-done if they recorded that month (even as 0),
// else one occurrence for each demand resting on the item that the
// community marked done in its inbox that month. What was received is the
// sum of the payments recorded; a payment recorded wrongly is cancelled by
// a reversing entry naming it, never edited or deleted.
package workaccess
