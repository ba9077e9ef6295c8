// Package visits keeps 百家熟 (入户走访): the rules saying which households
// are visited how often, the due visits derived from the register by them
// and kept up to date as the register changes, each grid worker's daily
// list in walking order, the visits recorded (their corrections written
// back to the register with the visit as their source), the coverage of
// grids and workers, and the capacity planner that says how long a round
// of a worker's households takes and what a shorter one would need.
package visits
