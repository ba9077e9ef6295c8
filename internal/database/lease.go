package database

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"
)

// A process leases its id node from every database it opens (table
// id_nodes, migration 045). The node is the process's, not the handle's:
// NewID is process-wide, so a process that opens several databases (a test
// binary) holds the same node in each of them.
const (
	leaseMigration = 45
	// A lease lives for leaseTTL and is renewed every renewEvery, so a
	// process loses its node only when it stalls for two renewals, and a
	// node a crashed process held comes free a minute later.
	leaseTTL   = time.Minute
	renewEvery = leaseTTL / 3
)

// leaseState is this process's node and the databases it holds it in.
type leaseState struct {
	mu         sync.Mutex
	holder     string // who we are in id_nodes.holder
	node       int    // -1 while none is leased or configured
	configured bool   // UseNode: never lease
	held       map[*DB]*nodeLease
}

// nodeLease is the renewal of the node in one database handle.
type nodeLease struct {
	stop chan struct{}
	done chan struct{}
}

var lease = leaseState{node: -1}

// UseNode makes this process make its ids with node n instead of leasing a
// node from each database it opens (shequ reads it from SHEQU_NODE), for a
// deployment that numbers its processes itself. Every process writing the
// database must then have a number of its own; opening refuses a number that
// a running process holds by lease. Call it before opening a database.
func UseNode(n int) error {
	if n < 0 || n >= unleasedNode {
		return fmt.Errorf("节点号须在 0 到 %d 之间", unleasedNode-1)
	}
	lease.mu.Lock()
	defer lease.mu.Unlock()
	if len(lease.held) > 0 {
		return errors.New("节点号须在打开数据库之前指定")
	}
	lease.configured, lease.node = true, n
	defaultIDs.switchNode(n, 0)
	return nil
}

// leaseIfMigrated leases the node when the database's schema already has
// id_nodes; on a database yet to be migrated, Migrate leases it.
func (db *DB) leaseIfMigrated(ctx context.Context) error {
	v, err := db.SchemaVersion(ctx)
	if err != nil || v < leaseMigration {
		return nil // no schema_migrations yet, or too old a schema
	}
	return db.leaseNode(ctx)
}

// leaseNode gives this process a node in db (the one it holds elsewhere,
// if any) and starts renewing it. It is a no-op for a handle that holds it.
func (db *DB) leaseNode(ctx context.Context) error {
	lease.mu.Lock()
	defer lease.mu.Unlock()
	if lease.configured {
		return db.checkConfiguredNode(ctx, lease.node)
	}
	if lease.held[db] != nil {
		return nil
	}
	if lease.holder == "" {
		host, _ := os.Hostname()
		lease.holder = fmt.Sprintf("%s:%d:%08x", host, os.Getpid(), rand.Uint32())
	}
	var n int
	var floor int64
	var err error
	if lease.node >= 0 {
		var ok bool
		n = lease.node
		floor, ok, err = db.claimNode(ctx, n, lease.holder)
		if err == nil && !ok {
			err = fmt.Errorf("本进程的 id 节点号 %d 在此数据库中已被其他进程占用", n)
		}
	} else {
		n, floor, err = db.claimFreeNode(ctx, lease.holder)
	}
	if err != nil {
		return err
	}
	lease.node = n
	defaultIDs.switchNode(n, floor)
	l := &nodeLease{stop: make(chan struct{}), done: make(chan struct{})}
	if lease.held == nil {
		lease.held = map[*DB]*nodeLease{}
	}
	lease.held[db] = l
	go db.renew(l)
	return nil
}

// Close commits the transactions waiting for a group commit, frees the id
// node this handle holds (when it is the process's last) and closes the
// database.
func (db *DB) Close() error {
	db.finishGroups()
	db.releaseNode()
	return db.DB.Close()
}

func (db *DB) releaseNode() {
	lease.mu.Lock()
	l := lease.held[db]
	delete(lease.held, db)
	lease.mu.Unlock()
	if l == nil {
		return
	}
	close(l.stop)
	<-l.done
	lease.mu.Lock()
	defer lease.mu.Unlock()
	if len(lease.held) > 0 {
		// Another handle may be on this same database, and renews the
		// row; if not, the row expires.
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.freeNode(ctx, lease.node, lease.holder, defaultIDs.lastMillis()); err != nil {
		slog.Warn("id node not freed; it comes free when its lease expires", "node", lease.node, "err", err)
	}
	lease.node = -1
	defaultIDs.switchNode(unleasedNode, 0)
}

// renew extends l's lease every renewEvery until l is stopped.
func (db *DB) renew(l *nodeLease) {
	defer close(l.done)
	t := time.NewTicker(renewEvery)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), renewEvery)
		if err := db.renewOnce(ctx, l); err != nil {
			slog.Warn("id node lease not renewed", "err", err)
		}
		cancel()
	}
}

func (db *DB) renewOnce(ctx context.Context, l *nodeLease) error {
	lease.mu.Lock()
	defer lease.mu.Unlock()
	if lease.held[db] != l {
		return nil // closing
	}
	now, err := db.clockMillis(ctx)
	if err != nil {
		return err
	}
	res, err := db.ExecContext(ctx, `UPDATE id_nodes SET expires_ms = $1,
		last_ms = CASE WHEN last_ms > $2 THEN last_ms ELSE $2 END
		WHERE node = $3 AND holder = $4`, now+leaseTTL.Milliseconds(), defaultIDs.lastMillis(), lease.node, lease.holder)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	return db.relocate(ctx)
}

// relocate moves the process to another node after its lease on db was
// taken over (it stalled past the lease's expiry). The new node must be
// free in every database the process holds one in.
func (db *DB) relocate(ctx context.Context) error {
	old := lease.node
	slog.Warn("id node taken over by another process after this one stalled; moving to a free node", "node", old)
	cands, err := db.freeNodes(ctx, lease.holder)
	if err != nil {
		return err
	}
	for _, n := range cands {
		var claimed []*DB
		var floor int64
		ok := true
		for h := range lease.held {
			f, got, err := h.claimNode(ctx, n, lease.holder)
			if err != nil || !got {
				ok = false
				break
			}
			claimed, floor = append(claimed, h), max(floor, f)
		}
		if !ok {
			for _, h := range claimed {
				h.freeNode(ctx, n, lease.holder, 0)
			}
			continue
		}
		last := defaultIDs.lastMillis()
		for h := range lease.held {
			h.freeNode(ctx, old, lease.holder, last)
		}
		lease.node = n
		defaultIDs.switchNode(n, floor)
		return nil
	}
	return errors.New("没有空闲的 id 节点号")
}

// claimFreeNode leases the first node free in db.
func (db *DB) claimFreeNode(ctx context.Context, holder string) (node int, floor int64, err error) {
	cands, err := db.freeNodes(ctx, holder)
	if err != nil {
		return 0, 0, err
	}
	for _, n := range cands {
		// Another process may have taken it since freeNodes read it.
		floor, ok, err := db.claimNode(ctx, n, holder)
		if err != nil {
			return 0, 0, err
		}
		if ok {
			return n, floor, nil
		}
	}
	return 0, 0, fmt.Errorf("没有空闲的 id 节点号:%d 个节点号都已被正在运行的进程租用", unleasedNode)
}

// freeNodes lists the nodes free in db, best first: never used, then freed
// by their holder, then expired with their holder (a process that died),
// longest expired first — its last millisecond recorded may lag the ids it
// made after its last renewal, and time since puts those further behind.
func (db *DB) freeNodes(ctx context.Context, holder string) ([]int, error) {
	now, err := db.clockMillis(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT node, holder, expires_ms FROM id_nodes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type row struct {
		node    int
		holder  string
		expires int64
	}
	seen := map[int]row{}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.node, &r.holder, &r.expires); err != nil {
			return nil, err
		}
		seen[r.node] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var unused, freed, expired []row
	for n := range unleasedNode {
		r, ok := seen[n]
		switch {
		case !ok:
			unused = append(unused, row{node: n})
		case r.holder == holder:
			// Ours in another database handle: not free for a move.
		case r.holder == "":
			freed = append(freed, r)
		case r.expires < now:
			expired = append(expired, r)
		}
	}
	slices.SortStableFunc(expired, func(a, b row) int { return cmp.Compare(a.expires, b.expires) })
	var out []int
	for _, rs := range [][]row{unused, freed, expired} {
		for _, r := range rs {
			out = append(out, r.node)
		}
	}
	return out, nil
}

// claimNode takes node n in db for holder if it is free or already the
// holder's, in one statement, so that of two processes claiming the same
// node at once exactly one gets it: SQLite runs writers one at a time, and
// PostgreSQL re-checks the WHERE of a conflicting upsert against the row
// the other committed. It returns the node's last millisecond used.
func (db *DB) claimNode(ctx context.Context, n int, holder string) (floor int64, ok bool, err error) {
	now, err := db.clockMillis(ctx)
	if err != nil {
		return 0, false, err
	}
	err = db.QueryRowContext(ctx, `INSERT INTO id_nodes (node, holder, expires_ms, last_ms, leased_at)
		VALUES ($1, $2, $3, 0, $4)
		ON CONFLICT (node) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms,
			leased_at = excluded.leased_at
		WHERE id_nodes.expires_ms < $5 OR id_nodes.holder = excluded.holder
		RETURNING last_ms`,
		n, holder, now+leaseTTL.Milliseconds(), FormatTime(nowUTC()), now).Scan(&floor)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("租用 id 节点号 %d: %w", n, err)
	}
	return floor, true, nil
}

// freeNode gives node n in db back, recording the last millisecond it used.
func (db *DB) freeNode(ctx context.Context, n int, holder string, last int64) error {
	_, err := db.ExecContext(ctx, `UPDATE id_nodes SET holder = '', expires_ms = 0,
		last_ms = CASE WHEN last_ms > $1 THEN last_ms ELSE $1 END
		WHERE node = $2 AND holder = $3`, last, n, holder)
	return err
}

// checkConfiguredNode refuses a configured node that a running process
// holds by lease in db: the two would make the same ids.
func (db *DB) checkConfiguredNode(ctx context.Context, n int) error {
	now, err := db.clockMillis(ctx)
	if err != nil {
		return err
	}
	var holder string
	err = db.QueryRowContext(ctx, `SELECT holder FROM id_nodes WHERE node = $1 AND holder <> '' AND expires_ms >= $2`,
		n, now).Scan(&holder)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("配置的 id 节点号 %d 正由进程 %s 租用", n, holder)
}

// clockMillis is the database's clock in Unix milliseconds: leases of
// processes on several machines expire by one clock, whatever theirs say.
func (db *DB) clockMillis(ctx context.Context) (int64, error) {
	q := `SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`
	if db.Engine == Postgres {
		q = `SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)`
	}
	var ms int64
	err := db.QueryRowContext(ctx, q).Scan(&ms)
	return ms, err
}
