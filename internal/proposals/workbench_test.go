package proposals

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestWorkbenchQueue: the community's head sees a tile counting the
// proposals and arguments awaiting moderation, each an item linking to its
// matter; once moderated the tile goes; a head elsewhere sees none.
func TestWorkbenchQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		head := f.head(t)
		if secs, err := f.s.Workbench(ctx, head, *f.clock); err != nil || len(secs) != 0 {
			t.Fatalf("nothing to moderate: %+v %v", secs, err)
		}
		a, err := f.s.ProposeAsResident(ctx, &f.lao, Draft{Title: "增设快递柜", Body: "建议增设快递柜。"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.s.ProposeAsCommittee(ctx, "王主任", Draft{CommunityID: f.cb, Title: "楼道清理", Body: "集中清理。"})
		if err != nil {
			t.Fatal(err)
		}
		arg, err := f.s.Argue(ctx, &f.wang, f.cb, m.ID, For, "早该清理了。")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ProposeAsResident(ctx, &f.outsider, Draft{Title: "城南的议题", Body: "内容"}); err != nil {
			t.Fatal(err)
		}
		secs, err := f.s.Workbench(ctx, head, *f.clock)
		if err != nil || len(secs) != 1 {
			t.Fatalf("sections %+v %v", secs, err)
		}
		s := secs[0]
		if s.Count != 2 || len(s.Items) != 2 || !strings.HasPrefix(s.Link, "/proposals/queue?c=") ||
			!strings.HasSuffix(s.Items[0].Link, "/"+itoa(a.ID)) || !strings.Contains(s.Items[1].Link, "#argument-"+itoa(arg.ID)) {
			t.Fatalf("section %+v", s)
		}
		if err := f.s.Approve(ctx, "王主任", f.cb, a.ID, a.Version); err != nil {
			t.Fatal(err)
		}
		if err := f.s.ModerateArgument(ctx, f.cb, arg.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if secs, err := f.s.Workbench(ctx, head, *f.clock); err != nil || len(secs) != 0 {
			t.Fatalf("all moderated: %+v %v", secs, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
