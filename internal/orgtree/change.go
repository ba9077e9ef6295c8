package orgtree

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"shequ/internal/database"
)

// Actor is who changes the tree: an administrator, or a command.
type Actor struct {
	UserID int64
	Name   string
	Source string // web, cli, import:…
}

// Change is one change of a unit (变更记录), as the unit's page shows it.
type Change struct {
	ID      int64
	UnitID  int64
	At      time.Time
	ActorID int64
	Actor   string
	Source  string
	Op      string // create, update, move, merge, retire, boundary, assign, unassign
	Version int
	Fields  []FieldChange
}

// FieldChange is one field of a unit before and after a change.
type FieldChange struct {
	Field  string
	Label  string
	Before any
	After  any
}

// ChangeOpNames name the kinds of change in Chinese.
var ChangeOpNames = map[string]string{
	"create":   "新建",
	"update":   "修改",
	"move":     "移动",
	"merge":    "合并",
	"retire":   "撤销",
	"boundary": "边界",
	"assign":   "任命",
	"unassign": "免任",
}

// changeLabels name the fields a change records.
var changeLabels = map[string]string{
	"name": "名称", "code": "区划代码", "sort": "排序", "level": "层级",
	"parent": "上级", "parent_id": "上级编号", "community_id": "所属社区编号", "grid_id": "所属网格编号",
	"boundary": "边界", "retired_on": "撤销日期", "merged_from": "并入的网格", "merged_into": "并入",
	"staff": "工作人员", "ended_on": "免任日期", "moved": "随迁记录", "carried": "随迁内容", "community": "所属社区",
	"units": "一并撤销的下级单元",
}

// record appends a change of unit inside the caller's transaction.
func record(ctx context.Context, q database.Querier, actor Actor, at time.Time, unit int64, op string,
	version int, changes map[string][2]any) error {
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	var actorID any
	if actor.UserID != 0 {
		actorID = actor.UserID
	}
	source := actor.Source
	if source == "" {
		source = "web"
	}
	_, err = q.ExecContext(ctx, `INSERT INTO org_changes (id, unit_id, at, actor_id, actor, source, op, version, changes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		database.NewID(), unit, database.FormatTime(at), actorID, actor.Name, source, op, version, string(b))
	return err
}

// History returns the changes of a unit, newest first.
func (s *Store) History(ctx context.Context, unit int64) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, unit_id, at, COALESCE(actor_id, 0), actor, source, op, version, changes
		FROM org_changes WHERE unit_id = $1 ORDER BY id DESC`, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at, changes string
		if err := rows.Scan(&c.ID, &c.UnitID, &at, &c.ActorID, &c.Actor, &c.Source, &c.Op, &c.Version, &changes); err != nil {
			return nil, err
		}
		c.At = database.ParseTime(at)
		var m map[string][2]any
		if err := json.Unmarshal([]byte(changes), &m); err != nil {
			return nil, err
		}
		for k, v := range m {
			label := changeLabels[k]
			if label == "" {
				label = k
			}
			c.Fields = append(c.Fields, FieldChange{Field: k, Label: label, Before: v[0], After: v[1]})
		}
		sort.Slice(c.Fields, func(i, j int) bool { return c.Fields[i].Field < c.Fields[j].Field })
		out = append(out, c)
	}
	return out, rows.Err()
}

// Move is a unit's move as recorded: from which parent to which, on which
// day. Reports of a past period need the tree as it stood then.
type Move struct {
	UnitID   int64
	At       time.Time
	From, To int64
}

// MovesSince lists the moves recorded after at, oldest first: a report of a
// period that ended before one of them rolls the moved unit up to its old
// parent (see the indicators' tree).
func (s *Store) MovesSince(ctx context.Context, at time.Time) ([]Move, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, at, changes FROM org_changes
		WHERE op = 'move' AND at > $1 ORDER BY id`, database.FormatTime(at))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Move
	for rows.Next() {
		var m Move
		var when, changes string
		if err := rows.Scan(&m.UnitID, &when, &changes); err != nil {
			return nil, err
		}
		m.At = database.ParseTime(when)
		var c struct {
			ParentID [2]int64 `json:"parent_id"`
		}
		if err := json.Unmarshal([]byte(changes), &c); err != nil {
			return nil, err
		}
		m.From, m.To = c.ParentID[0], c.ParentID[1]
		out = append(out, m)
	}
	return out, rows.Err()
}

// RecordCreated records units a loader wrote (the demo data, an import) as
// created at at, so their pages have a history from the start.
func (s *Store) RecordCreated(ctx context.Context, q database.Querier, actor Actor, at time.Time, u Unit) error {
	changes := map[string][2]any{"name": {nil, u.Name}, "level": {nil, u.LevelName}}
	if u.Code != "" {
		changes["code"] = [2]any{nil, u.Code}
	}
	return record(ctx, q, actor, at, u.ID, "create", u.Version, changes)
}

// RecordAssigned records an assignment a loader wrote, on the day it began.
func (s *Store) RecordAssigned(ctx context.Context, q database.Querier, actor Actor, st Staff) error {
	at, err := time.ParseInLocation(database.DateLayout, st.StartedOn, time.Local)
	if err != nil {
		return fmt.Errorf("任职日期 %q: %w", st.StartedOn, err)
	}
	return record(ctx, q, actor, at.Add(9*time.Hour), st.UnitID, "assign", 1, map[string][2]any{
		"staff": {nil, StaffRoleNames[st.Role] + " " + st.Name + "(" + st.StartedOn + "起)"}})
}
