// Package workaccess keeps 社区工作准入: the catalogue of what a community
// does by law (履职事项), does for a department (协助事项) and must not be
// asked to do (负面清单), and the departments' requests to add work to it,
// which must arrive a number of working days before the work starts and
// which the review group decides within a number of working days, both
// counted on the working-day calendar. Work not in the catalogue is no
// community's obligation.
package workaccess
