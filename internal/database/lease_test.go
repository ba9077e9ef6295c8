package database

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"shequ/internal/testdb"
)

// openMigrated opens a fresh database of engine e and migrates it; it
// cannot use dbtest, which imports this package.
func openMigrated(t *testing.T, dsn string) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// heldNode is the node and holder of this process, read under the lock.
func heldNode() (int, string) {
	lease.mu.Lock()
	defer lease.mu.Unlock()
	return lease.node, lease.holder
}

func nodeRow(t *testing.T, db *DB, n int) (holder string, expires, last int64) {
	t.Helper()
	err := db.QueryRowContext(context.Background(),
		`SELECT holder, expires_ms, last_ms FROM id_nodes WHERE node = $1`, n).Scan(&holder, &expires, &last)
	if err != nil {
		t.Fatalf("node %d: %v", n, err)
	}
	return
}

func TestLeaseOpenUseClose(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := e.DSN(t)
			db := openMigrated(t, dsn)
			node, holder := heldNode()
			if node < 0 || node >= unleasedNode {
				t.Fatalf("after Migrate the process holds node %d", node)
			}
			if got := nodeOf(NewID()); got != node {
				t.Fatalf("NewID made by node %d, the lease is %d", got, node)
			}
			if h, _, _ := nodeRow(t, db, node); h != holder {
				t.Fatalf("id_nodes row %d held by %q, want %q", node, h, holder)
			}

			// A second handle on the migrated database leases at Open,
			// and keeps the process's node.
			db2, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if n2, _ := heldNode(); n2 != node {
				t.Fatalf("second handle moved the process to node %d from %d", n2, node)
			}
			db2.Close()
			if h, _, _ := nodeRow(t, db, node); h != holder {
				t.Fatalf("closing one of two handles gave node %d up (holder %q)", node, h)
			}

			lease.mu.Lock()
			alone := len(lease.held) == 1
			lease.mu.Unlock()
			if !alone {
				return // another test's database keeps the node; the row stays until it expires
			}
			last := defaultIDs.lastMillis()
			db.Close()
			h, _, recorded := nodeRow(t, openOther(t, dsn), node)
			if h != "" || recorded < last {
				t.Fatalf("after Close node %d is held by %q with last millisecond %d, want free with >= %d", node, h, recorded, last)
			}
		})
	}
}

// openOther opens dsn without leasing, to look at what the process left.
func openOther(t *testing.T, dsn string) *DB {
	t.Helper()
	db, err := openEngine(context.Background(), dsn, Tuning{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.DB.Close() })
	return db
}

// TestLeaseConcurrentClaimers has many leasers claim at once on one
// database: each gets a node of its own.
func TestLeaseConcurrentClaimers(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := openMigrated(t, e.DSN(t))
			own, _ := heldNode()
			const leasers = 12
			got := make([]int, leasers)
			errs := make([]error, leasers)
			var wg sync.WaitGroup
			for i := range leasers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got[i], _, errs[i] = db.claimFreeNode(ctx, fmt.Sprintf("leaser-%d", i))
				}()
			}
			wg.Wait()
			seen := map[int]int{own: -1}
			for i, n := range got {
				if errs[i] != nil {
					t.Fatalf("leaser %d: %v", i, errs[i])
				}
				if j, dup := seen[n]; dup {
					t.Fatalf("leasers %d and %d both got node %d", j, i, n)
				}
				seen[n] = i
			}
		})
	}
}

func TestLeaseExpiryAndRunningOut(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := openMigrated(t, e.DSN(t))
			n, _, err := db.claimFreeNode(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			if _, ok, err := db.claimNode(ctx, n, "b"); err != nil || ok {
				t.Fatalf("b claimed node %d that a holds: ok=%v err=%v", n, ok, err)
			}
			// a renews once with a last millisecond, then dies: its
			// lease runs out.
			if _, err := db.ExecContext(ctx, `UPDATE id_nodes SET last_ms = 12345, expires_ms = 1 WHERE node = $1`, n); err != nil {
				t.Fatal(err)
			}
			floor, ok, err := db.claimNode(ctx, n, "b")
			if err != nil || !ok || floor != 12345 {
				t.Fatalf("b claiming a's expired node: floor=%d ok=%v err=%v, want 12345 true", floor, ok, err)
			}
			if err := db.freeNode(ctx, n, "a", 99999); err != nil {
				t.Fatal(err)
			}
			if h, _, last := nodeRow(t, db, n); h != "b" || last != 12345 {
				t.Fatalf("a freed b's node: holder %q last %d", h, last)
			}

			// Every node taken: the next leaser is refused in Chinese.
			for i := 0; ; i++ {
				if _, _, err := db.claimFreeNode(ctx, fmt.Sprintf("filler-%d", i)); err != nil {
					if i == unleasedNode-2 {
						break // the process's own node and b's are taken too
					}
					t.Fatalf("refused after %d fillers: %v", i, err)
				}
				if i > unleasedNode {
					t.Fatalf("%d leases handed out of %d nodes", i, unleasedNode)
				}
			}
		})
	}
}

// TestLeaseTakenOver: a process that stalled past its lease finds another
// holding its node at the next renewal and moves to a free one.
func TestLeaseTakenOver(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := openMigrated(t, e.DSN(t))
			old, holder := heldNode()
			if _, err := db.ExecContext(ctx, `UPDATE id_nodes SET holder = 'other', last_ms = $1 WHERE node = $2`,
				defaultIDs.lastMillis()+60000, old); err != nil {
				t.Fatal(err)
			}
			lease.mu.Lock()
			l := lease.held[db]
			lease.mu.Unlock()
			if err := db.renewOnce(ctx, l); err != nil {
				t.Fatal(err)
			}
			now, _ := heldNode()
			if now == old {
				t.Fatalf("still on node %d after losing it", old)
			}
			if got := nodeOf(NewID()); got != now {
				t.Fatalf("NewID made by node %d, the new lease is %d", got, now)
			}
			if h, _, _ := nodeRow(t, db, now); h != holder {
				t.Fatalf("new node %d held by %q, want %q", now, h, holder)
			}
			if h, _, _ := nodeRow(t, db, old); h != "other" {
				t.Fatalf("the moved process touched node %d of its new holder: %q", old, h)
			}
		})
	}
}

func TestUseNode(t *testing.T) {
	lease.mu.Lock()
	busy := len(lease.held) > 0
	lease.mu.Unlock()
	if busy {
		t.Skip("another test holds a lease in this process")
	}
	if err := UseNode(unleasedNode); err == nil {
		t.Fatalf("UseNode(%d) accepted the unleased node", unleasedNode)
	}
	if err := UseNode(5); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		lease.mu.Lock()
		lease.configured, lease.node = false, -1
		lease.mu.Unlock()
		defaultIDs.switchNode(unleasedNode, 0)
	})
	ctx := context.Background()
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dsn := e.DSN(t)
			db := openMigrated(t, dsn)
			var rows int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM id_nodes`).Scan(&rows); err != nil || rows != 0 {
				t.Fatalf("a configured process leased: %d rows, %v", rows, err)
			}
			if got := nodeOf(NewID()); got != 5 {
				t.Fatalf("NewID made by node %d, configured 5", got)
			}
			if _, ok, err := db.claimNode(ctx, 5, "leaser"); !ok || err != nil {
				t.Fatalf("claim: %v %v", ok, err)
			}
			if _, err := Open(ctx, dsn); err == nil {
				t.Fatal("opened with configured node 5 while another process leases it")
			}
		})
	}
}
