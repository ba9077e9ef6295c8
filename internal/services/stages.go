package services

// Where a case stands on each stage of its chain, as the staff's case page
// and the residents' progress page draw it.

// Stage states.
const (
	StageDone     = "done"
	StageCurrent  = "current"
	StageRejected = "rejected"
	StageTodo     = "todo"
)

// StageState is a stage of a chain with where the case stands at it.
type StageState struct {
	Stage
	State string // StageDone, StageCurrent, StageRejected or StageTodo
}

// ChainStates is where a case in status, at stage index at, stands on
// each stage of chain: an approved case has passed every stage, a
// rejected one stopped at its stage.
func ChainStates(chain []Stage, at int, status string) []StageState {
	var out []StageState
	for i, st := range chain {
		s := StageState{Stage: st, State: StageTodo}
		switch {
		case status == StatusApproved || i < at:
			s.State = StageDone
		case i == at && status == StatusProcessing:
			s.State = StageCurrent
		case i == at && status == StatusRejected:
			s.State = StageRejected
		}
		out = append(out, s)
	}
	return out
}

// Category is a category of the catalogue with its items.
type Category struct {
	Name  string
	Items []Item
}

// Categories groups items by category, in the order each category first
// appears and keeping the items' order.
func Categories(items []Item) []Category {
	var out []Category
	at := map[string]int{}
	for _, it := range items {
		i, ok := at[it.Category]
		if !ok {
			i = len(out)
			at[it.Category] = i
			out = append(out, Category{Name: it.Category})
		}
		out[i].Items = append(out[i].Items, it)
	}
	return out
}
