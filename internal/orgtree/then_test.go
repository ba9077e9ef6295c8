package orgtree_test

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
)

// TestTreeThen changes the tree through its management and reads back how
// it stood before each change: the parent a unit moved twice had before
// the first move, a name before a rename, units created since — but not
// those an import wrote.
func TestTreeThen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		start := time.Now()
		b := tr.get(t, tr.building.ID)
		if err := tr.m.Move(ctx, tr.actor, b.ID, b.Version, tr.grid2.ID); err != nil {
			t.Fatal(err)
		}
		between := time.Now()
		g2 := tr.get(t, tr.grid2.ID)
		if err := tr.m.Edit(ctx, tr.actor, g2.ID, g2.Version, "第二网格(新)", "", 3); err != nil {
			t.Fatal(err)
		}
		b = tr.get(t, tr.building.ID)
		if err := tr.m.Move(ctx, tr.actor, b.ID, b.Version, tr.grid1.ID); err != nil {
			t.Fatal(err)
		}
		g3 := orgtree.Unit{ParentID: tr.cb.ID, Level: orgtree.LevelGrid, Name: "第三网格"}
		if err := tr.m.Add(ctx, tr.actor, &g3); err != nil {
			t.Fatal(err)
		}
		imported := orgtree.Unit{ParentID: tr.cb.ID, Level: orgtree.LevelGrid, Name: "第四网格"}
		if err := tr.m.Add(ctx, orgtree.Actor{Name: "命令行", Source: "import:org"}, &imported); err != nil {
			t.Fatal(err)
		}

		then, err := tr.org.TreeThen(ctx, start)
		if err != nil {
			t.Fatal(err)
		}
		if len(then.Parent) != 1 || then.Parent[tr.building.ID] != tr.grid1.ID {
			t.Errorf("parents then: %v, want the building under grid 1", then.Parent)
		}
		if len(then.Name) != 1 || then.Name[tr.grid2.ID] != "第二网格" {
			t.Errorf("names then: %v", then.Name)
		}
		if len(then.Sort) != 1 || then.Sort[tr.grid2.ID] != 0 {
			t.Errorf("places then: %v", then.Sort)
		}
		if len(then.Created) != 1 || !then.Created[g3.ID] {
			t.Errorf("created since: %v, want grid 3 alone", then.Created)
		}

		then, err = tr.org.TreeThen(ctx, between)
		if err != nil {
			t.Fatal(err)
		}
		if then.Parent[tr.building.ID] != tr.grid2.ID {
			t.Errorf("between the moves the building was under %d, want grid 2", then.Parent[tr.building.ID])
		}

		then, err = tr.org.TreeThen(ctx, time.Now().Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if len(then.Parent)+len(then.Name)+len(then.Sort)+len(then.Created) != 0 {
			t.Errorf("changes after now: %+v", then)
		}
	})
}
