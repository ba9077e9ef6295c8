package web

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// Persons and households found by a search, as lists of several
// capabilities show them (the register's search, intake at the service
// hall, certificates): with what tells one from another in a list, the
// household and the grid.

// PersonRow is a person in a list.
type PersonRow struct {
	register.Person
	Household register.HouseholdBrief
	Grid      string
}

// HouseholdRow is a household in a list.
type HouseholdRow struct {
	register.Household
	Head string
	Grid string
}

// PersonRows adds to each person their household's brief and their grid's
// name, as scope may see them.
func PersonRows(ctx context.Context, reg *register.Store, org *orgtree.Store, scope access.Scope, ps []register.Person) ([]PersonRow, error) {
	var hhIDs, gridIDs []int64
	for _, p := range ps {
		hhIDs = append(hhIDs, p.HouseholdID)
		gridIDs = append(gridIDs, p.GridID)
	}
	hhs, err := reg.HouseholdBriefs(ctx, scope, hhIDs)
	if err != nil {
		return nil, err
	}
	grids, err := org.Names(ctx, gridIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]PersonRow, len(ps))
	for i, p := range ps {
		rows[i] = PersonRow{Person: p, Household: hhs[p.HouseholdID], Grid: grids[p.GridID]}
	}
	return rows, nil
}

// HouseholdRows adds to each household its head's name and its grid's
// name, as scope may see them.
func HouseholdRows(ctx context.Context, reg *register.Store, org *orgtree.Store, scope access.Scope, hs []register.Household) ([]HouseholdRow, error) {
	var heads, gridIDs []int64
	for _, x := range hs {
		heads = append(heads, x.HeadID)
		gridIDs = append(gridIDs, x.GridID)
	}
	names, err := reg.PersonNames(ctx, scope, heads)
	if err != nil {
		return nil, err
	}
	grids, err := org.Names(ctx, gridIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]HouseholdRow, len(hs))
	for i, x := range hs {
		rows[i] = HouseholdRow{Household: x, Head: names[x.HeadID], Grid: grids[x.GridID]}
	}
	return rows, nil
}
