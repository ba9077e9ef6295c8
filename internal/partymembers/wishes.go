package partymembers

import (
	"context"
	"database/sql"
	"errors"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// 微心愿: a resident's small wish, posted by staff on the resident's
// behalf, claimed by a member, fulfilled, and confirmed by staff (who
// asked the resident). Its states and the steps between them:
//
//	open (待认领) --claim--> claimed (已认领) --fulfil--> fulfilled (已实现) --confirm--> confirmed (已确认)
//	claimed --release--> open            fulfilled --reject--> claimed (the resident is not satisfied)
//	open, claimed --cancel--> cancelled (已撤销)
//
// A wish open or claimed past its deadline is overdue. Its confirmation
// records the fulfilment as the member's service (source wish:<id>).

// Wish states.
const (
	WishOpen      = "open"
	WishClaimed   = "claimed"
	WishFulfilled = "fulfilled"
	WishConfirmed = "confirmed"
	WishCancelled = "cancelled"
)

// WishStates name the states.
var WishStates = map[string]string{WishOpen: "待认领", WishClaimed: "已认领", WishFulfilled: "已实现待确认",
	WishConfirmed: "已确认实现", WishCancelled: "已撤销"}

// WishActions name the steps.
var WishActions = map[string]string{"post": "发布", "claim": "认领", "release": "退回认领", "fulfil": "登记实现",
	"confirm": "确认实现", "reject": "退回重办", "cancel": "撤销"}

// wishMoves are the steps and the states they start from.
var wishMoves = map[string]struct {
	from []string
	to   string
}{
	"claim":   {[]string{WishOpen}, WishClaimed},
	"release": {[]string{WishClaimed}, WishOpen},
	"fulfil":  {[]string{WishClaimed}, WishFulfilled},
	"confirm": {[]string{WishFulfilled}, WishConfirmed},
	"reject":  {[]string{WishFulfilled}, WishClaimed},
	"cancel":  {[]string{WishOpen, WishClaimed}, WishCancelled},
}

// Wish is a 微心愿.
type Wish struct {
	CommunityID int64  `json:"community_id"`
	ID          int64  `json:"id"`
	PersonID    int64  `json:"person_id"`
	Person      string `json:"person"`
	Title       string `json:"title"`
	Content     string `json:"content,omitempty"`
	PostedOn    string `json:"posted_on"`
	DeadlineOn  string `json:"deadline_on"`
	Status      string `json:"status"`
	MemberID    int64  `json:"member_id,omitempty"`
	Member      string `json:"member,omitempty"`
	Employer    string `json:"employer,omitempty"`
	ClaimedOn   string `json:"claimed_on,omitempty"`
	FulfilledOn string `json:"fulfilled_on,omitempty"`
	Minutes     int    `json:"minutes,omitempty"`
	FulfilNote  string `json:"fulfil_note,omitempty"`
	ConfirmedOn string `json:"confirmed_on,omitempty"`
	Version     int    `json:"version"`
	Overdue     bool   `json:"overdue"`
	Late        bool   `json:"late,omitempty"` // fulfilled after its deadline
}

// WishStep is one step of a wish's timeline.
type WishStep struct {
	Action string `json:"action"`
	From   string `json:"from,omitempty"`
	To     string `json:"to"`
	At     string `json:"at"`
	By     string `json:"by"`
	Note   string `json:"note,omitempty"`
}

// WishForm is a wish as staff post it.
type WishForm struct {
	Community  int64
	IDNumber   string // the resident, by ID number
	PersonID   int64  // or by id
	Title      string
	Content    string
	DeadlineOn string // "" 30 days after today
}

// WishDays is the default time to fulfil a wish.
const WishDays = 30

var ErrNoWish = fault.New(fault.NotFound, "没有这个微心愿,或不在您的管辖范围内")

// PostWish posts a resident's wish.
func (s *Service) PostWish(ctx context.Context, by Staff, f WishForm) (Wish, error) {
	fe := fault.Fields{}
	textField(fe, "title", "心愿", &f.Title, 40, true)
	textField(fe, "content", "心愿说明", &f.Content, 500, false)
	today := s.today()
	if f.DeadlineOn == "" {
		f.DeadlineOn = addDays(today, WishDays)
	} else if _, ok := parseDay(f.DeadlineOn); !ok {
		fe.Add("deadline_on", "完成期限应为日期,如 "+addDays(today, WishDays))
	} else if f.DeadlineOn < today || f.DeadlineOn > addDays(today, 180) {
		fe.Add("deadline_on", "完成期限应在今天到 180 天之内")
	}
	pid, community, err := s.personIn(ctx, s.db, by.Scope, f.PersonID, f.IDNumber)
	if fl := fault.FieldsOf(err); fl != nil {
		fe.Add("id_number", "登记册中没有这位居民:请先登记,再为其发布心愿")
	} else if err != nil {
		return Wish{}, err
	}
	if err := fe.Err(); err != nil {
		return Wish{}, err
	}
	w := Wish{CommunityID: community, ID: database.NewID(), PersonID: pid, Title: f.Title, Content: f.Content,
		PostedOn: today, DeadlineOn: f.DeadlineOn, Status: WishOpen, Version: 1}
	now := database.FormatTime(s.now())
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO party_wishes (community_id, id, person_id, title, content, posted_on,
			deadline_on, status, version, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', 1, $8, $8, $9)`,
			w.CommunityID, w.ID, w.PersonID, w.Title, w.Content, w.PostedOn, w.DeadlineOn, now, by.Name); err != nil {
			return err
		}
		return s.addStep(ctx, tx, w, "post", "", WishOpen, by.Name, "")
	})
	if err != nil {
		return Wish{}, err
	}
	return s.Wish(ctx, by.Scope, w.ID)
}

func (s *Service) addStep(ctx context.Context, tx *sql.Tx, w Wish, action, from, to, by, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO party_wish_steps (community_id, id, wish_id, action, from_status, to_status, at,
		by_name, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		w.CommunityID, database.NewID(), w.ID, action, from, to, database.FormatTime(s.now()), by, note)
	return err
}

// Move is a step on a wish as staff send it.
type Move struct {
	Action   string
	Version  int
	MemberID int64  // claim
	Day      string // claim, fulfil: the day ("" today)
	Hours    string // fulfil: the time it took
	Note     string // fulfil: what was done; reject, cancel: why
}

// Step takes a step on a wish. A step its state does not allow is refused
// saying what the state allows; a wish changed meanwhile is a conflict.
func (s *Service) Step(ctx context.Context, by Staff, id int64, mv Move) (Wish, error) {
	w, err := s.Wish(ctx, by.Scope, id)
	if err != nil {
		return w, err
	}
	move, ok := wishMoves[mv.Action]
	if !ok {
		return w, fault.New(fault.Invalid, "没有这个操作")
	}
	allowed := false
	for _, f := range move.from {
		allowed = allowed || f == w.Status
	}
	if !allowed {
		return w, fault.New(fault.Illegal, "心愿当前为「"+WishStates[w.Status]+"」,不能"+WishActions[mv.Action]+
			":"+allowedText(w.Status))
	}
	if mv.Version != w.Version {
		return w, fault.New(fault.Conflict, "这个心愿已被他人处理(现为「"+WishStates[w.Status]+"」),请刷新页面后再操作")
	}
	fe := fault.Fields{}
	set := "status = " + "'" + move.to + "'"
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(int64(len(args)))
	}
	var service *ServiceRecord
	switch mv.Action {
	case "claim":
		m, err := s.Member(ctx, by.Scope, mv.MemberID)
		if err != nil || m.CommunityID != w.CommunityID || m.Status != StatusActive {
			fe.Add("member", "请选择在本社区报到的在职党员")
		}
		s.dayField(fe, "day", "认领日期", &mv.Day, w.PostedOn)
		set += ", member_id = " + arg(mv.MemberID) + ", claimed_on = " + arg(mv.Day)
	case "release":
		textField(fe, "note", "退回原因", &mv.Note, 200, true)
		set += ", member_id = NULL, claimed_on = ''"
	case "fulfil":
		s.dayField(fe, "day", "实现日期", &mv.Day, w.ClaimedOn)
		minutes, ok := parseHours(mv.Hours)
		if !ok {
			fe.Add("hours", "用时应为大于 0、不超过 24 的小时数,最多一位小数")
		}
		textField(fe, "note", "实现情况", &mv.Note, 500, true)
		set += ", fulfilled_on = " + arg(mv.Day) + ", minutes = " + arg(minutes) + ", fulfil_note = " + arg(mv.Note)
	case "confirm":
		mv.Day = s.today()
		set += ", confirmed_on = " + arg(mv.Day)
		service = &ServiceRecord{ID: database.NewID(), MemberID: w.MemberID, Kind: "wish", ServedOn: w.FulfilledOn,
			Minutes: w.Minutes, Content: "微心愿:" + w.Title, Source: "wish:" + itoa(w.ID), RecordedBy: by.Name}
	case "reject":
		textField(fe, "note", "退回原因", &mv.Note, 200, true)
		set += ", fulfilled_on = '', minutes = 0, fulfil_note = ''"
	case "cancel":
		textField(fe, "note", "撤销原因", &mv.Note, 200, true)
	}
	if err := fe.Err(); err != nil {
		return w, err
	}
	note := mv.Note
	if mv.Action == "claim" {
		m, _ := s.Member(ctx, by.Scope, mv.MemberID)
		note = m.Name + "(" + m.Employer + ")"
	}
	if mv.Action == "fulfil" {
		note = mv.Note + "(用时 " + mv.Hours + " 小时)"
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		set += ", version = version + 1, updated_at = " + arg(database.FormatTime(s.now())) + ", updated_by = " + arg(by.Name)
		where := " WHERE community_id = " + arg(w.CommunityID) + " AND id = " + arg(w.ID) + " AND version = " + arg(w.Version)
		res, err := tx.ExecContext(ctx, `UPDATE party_wishes SET `+set+where, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fault.New(fault.Conflict, "这个心愿已被他人处理,请刷新页面后再操作")
		}
		if service != nil {
			if err := s.addService(ctx, tx, w.CommunityID, *service); err != nil {
				return err
			}
		}
		return s.addStep(ctx, tx, w, mv.Action, w.Status, move.to, by.Name, note)
	})
	if err != nil {
		return w, err
	}
	return s.Wish(ctx, by.Scope, id)
}

// allowedText says what a state allows.
func allowedText(state string) string {
	var names []string
	for _, a := range []string{"claim", "release", "fulfil", "confirm", "reject", "cancel"} {
		for _, f := range wishMoves[a].from {
			if f == state {
				names = append(names, WishActions[a])
			}
		}
	}
	if len(names) == 0 {
		return "此心愿已办结,不能再操作"
	}
	out := "此时只能"
	for i, n := range names {
		if i > 0 {
			out += "或"
		}
		out += n
	}
	return out
}

// Actions lists the steps a wish's state allows, in order.
func (w Wish) Actions() []string {
	var out []string
	for _, a := range []string{"claim", "release", "fulfil", "confirm", "reject", "cancel"} {
		for _, f := range wishMoves[a].from {
			if f == w.Status {
				out = append(out, a)
			}
		}
	}
	return out
}

const wishColumns = `w.community_id, w.id, w.person_id, p.name, w.title, w.content, w.posted_on, w.deadline_on, w.status,
	COALESCE(w.member_id, 0), COALESCE(mp.name, ''), COALESCE(m.employer, ''), w.claimed_on, w.fulfilled_on, w.minutes,
	w.fulfil_note, w.confirmed_on, w.version`

const wishFrom = ` FROM party_wishes w JOIN persons p ON p.community_id = w.community_id AND p.id = w.person_id
	LEFT JOIN party_members m ON m.community_id = w.community_id AND m.id = w.member_id
	LEFT JOIN persons mp ON mp.community_id = m.community_id AND mp.id = m.person_id`

func (s *Service) scanWish(row interface{ Scan(...any) error }) (Wish, error) {
	var w Wish
	err := row.Scan(&w.CommunityID, &w.ID, &w.PersonID, &w.Person, &w.Title, &w.Content, &w.PostedOn, &w.DeadlineOn, &w.Status,
		&w.MemberID, &w.Member, &w.Employer, &w.ClaimedOn, &w.FulfilledOn, &w.Minutes, &w.FulfilNote, &w.ConfirmedOn, &w.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return w, ErrNoWish
	}
	open := w.Status == WishOpen || w.Status == WishClaimed
	w.Overdue = open && w.DeadlineOn < s.today()
	w.Late = w.FulfilledOn != "" && w.FulfilledOn > w.DeadlineOn
	return w, err
}

// Wish returns a wish in the scope.
func (s *Service) Wish(ctx context.Context, scope access.Scope, id int64) (Wish, error) {
	a := s.db.Args(id)
	return s.scanWish(s.db.QueryRowContext(ctx, `SELECT `+wishColumns+wishFrom+` WHERE w.id = $1`+scope.CommunityWhere(a, "w"),
		a.Values()...))
}

// Wishes lists a community's wishes in a state ("" every state; "overdue"
// those overdue), the overdue and nearest deadline first.
func (s *Service) Wishes(ctx context.Context, community int64, state string) ([]Wish, error) {
	a := s.db.Args(community)
	where := " WHERE w.community_id = $1"
	switch {
	case state == "overdue":
		where += " AND w.status IN ('open', 'claimed') AND w.deadline_on < " + a.Arg(s.today())
	case state != "":
		where += " AND w.status = " + a.Arg(state)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+wishColumns+wishFrom+where+`
		ORDER BY CASE WHEN w.status IN ('open', 'claimed') THEN 0 ELSE 1 END, w.deadline_on, w.id`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Wish
	for rows.Next() {
		w, err := s.scanWish(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Timeline lists a wish's steps in order.
func (s *Service) Timeline(ctx context.Context, w Wish) ([]WishStep, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT action, from_status, to_status, at, by_name, note FROM party_wish_steps
		WHERE community_id = $1 AND wish_id = $2 ORDER BY at, id`, w.CommunityID, w.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WishStep
	for rows.Next() {
		var st WishStep
		if err := rows.Scan(&st.Action, &st.From, &st.To, &st.At, &st.By, &st.Note); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
