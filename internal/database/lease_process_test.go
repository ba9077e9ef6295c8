package database

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"shequ/internal/testdb"
)

// envIDsChild carries the database to the second process of
// TestIDsTwoProcesses: the test binary run again for TestIDsChild.
const envIDsChild = "SHEQU_TEST_IDS_CHILD_DSN"

const (
	probeBatches = 100
	probeBatch   = 100 // ids per transaction
)

// TestIDsTwoProcesses runs two processes — this one and the test binary
// again — that make ids with NewID and insert them into one table of one
// database at the same time, as the server and `shequ import` do. The ids
// are the table's primary key: a duplicate fails the insert.
func TestIDsTwoProcesses(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := e.DSN(t)
			db := openMigrated(t, dsn)
			if _, err := db.ExecContext(ctx,
				`CREATE TABLE id_probe (id BIGINT PRIMARY KEY, proc TEXT NOT NULL)`); err != nil {
				t.Fatal(err)
			}

			child := exec.Command(os.Args[0], "-test.run=^TestIDsChild$", "-test.count=1")
			child.Env = append(os.Environ(), envIDsChild+"="+dsn)
			stdin, err := child.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := child.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var output bytes.Buffer
			child.Stderr = &output
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { child.Process.Kill() })

			// The child says which node it leased, then waits for "go" so
			// that both start inserting together.
			lines := bufio.NewReader(stdout)
			var childNode int
			for {
				line, err := lines.ReadString('\n')
				output.WriteString(line)
				if _, scanErr := fmt.Sscanf(line, "node %d", &childNode); scanErr == nil {
					break
				}
				if err != nil {
					child.Wait()
					t.Fatalf("the child process ended before leasing a node:\n%s", output.String())
				}
			}
			done := make(chan struct{})
			go func() { io.Copy(&output, lines); close(done) }()
			ownNode, _ := heldNode()
			if childNode == ownNode {
				t.Fatalf("both processes leased node %d", ownNode)
			}
			io.WriteString(stdin, "go\n")

			insertErr := insertProbes(ctx, db, "parent")
			<-done
			waitErr := child.Wait()
			if insertErr != nil {
				t.Fatalf("parent: %v", insertErr)
			}
			if waitErr != nil {
				t.Fatalf("child: %v\n%s", waitErr, output.String())
			}

			rows, err := db.QueryContext(ctx, `SELECT id, proc FROM id_probe`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			count := map[string]int{}
			for rows.Next() {
				var id int64
				var proc string
				if err := rows.Scan(&id, &proc); err != nil {
					t.Fatal(err)
				}
				want := ownNode
				if proc == "child" {
					want = childNode
				}
				if nodeOf(id) != want {
					t.Fatalf("%s made id %d with node %d, it leased %d", proc, id, nodeOf(id), want)
				}
				count[proc]++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if want := probeBatches * probeBatch; count["parent"] != want || count["child"] != want {
				t.Fatalf("rows per process %v, want %d each", count, want)
			}
		})
	}
}

// TestIDsChild is the second process of TestIDsTwoProcesses.
func TestIDsChild(t *testing.T) {
	dsn := os.Getenv(envIDsChild)
	if dsn == "" {
		t.Skip("the second process of TestIDsTwoProcesses")
	}
	ctx := context.Background()
	db, err := Open(ctx, dsn) // migrated: leases at Open
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	node, _ := heldNode()
	fmt.Printf("node %d\n", node)
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		t.Fatalf("waiting for go: %v", err)
	}
	if err := insertProbes(ctx, db, "child"); err != nil {
		t.Fatal(err)
	}
}

// insertProbes makes ids outside any transaction — so that the two
// processes make them in the same milliseconds, not one after the other
// behind SQLite's write lock — and inserts them a batch per statement.
func insertProbes(ctx context.Context, db *DB, proc string) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO id_probe (id, proc) VALUES `)
	for i := range probeBatch {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d)", 2*i+1, 2*i+2)
	}
	args := make([]any, 2*probeBatch)
	for b := range probeBatches {
		for i := range probeBatch {
			args[2*i], args[2*i+1] = NewID(), proc
		}
		if _, err := db.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("batch %d: %w", b, err)
		}
	}
	return nil
}
