package volunteers

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// 表彰 and 评价 (民政部令第67号 keeps both in a volunteer's record).

// RecordKinds name the kinds of records.
var RecordKinds = map[string]string{"commendation": "表彰", "evaluation": "评价"}

// Grades are an evaluation's grades; Levels a commendation's.
var (
	Grades = []string{"优秀", "良好", "合格", "不合格"}
	Levels = []string{"社区", "街道", "区县", "市", "省", "国家"}
)

// Record is a commendation or an evaluation.
type Record struct {
	ID          int64  `json:"id"`
	VolunteerID int64  `json:"volunteer_id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Grade       string `json:"grade"`
	Content     string `json:"content"`
	GivenOn     string `json:"given_on"`
	GivenBy     string `json:"given_by"`
	CreatedBy   string `json:"created_by"`
}

// AddRecord adds a commendation or an evaluation to a volunteer.
func (s *Service) AddRecord(ctx context.Context, st Staff, volunteer int64, r Record) (Record, error) {
	v, err := s.Volunteer(ctx, st, volunteer)
	if err != nil {
		return r, err
	}
	fe := fault.Fields{}
	r.Title, r.Content, r.GivenBy = strings.TrimSpace(r.Title), strings.TrimSpace(r.Content), strings.TrimSpace(r.GivenBy)
	switch r.Kind {
	case "commendation":
		if !contains(Levels, r.Grade) {
			fe.Add("grade", "请选择表彰级别")
		}
	case "evaluation":
		if !contains(Grades, r.Grade) {
			fe.Add("grade", "请选择评价等次")
		}
	default:
		fe.Add("record_kind", "请选择表彰或评价")
	}
	if r.Title == "" || utf8.RuneCountInString(r.Title) > 60 {
		fe.Add("title", "请填写表彰名称或评价名目(不超过60字)")
	}
	if utf8.RuneCountInString(r.Content) > 500 || utf8.RuneCountInString(r.GivenBy) > 60 {
		fe.Add("content", "内容不超过500字,授予单位不超过60字")
	}
	if d, err := time.Parse(database.DateLayout, r.GivenOn); err != nil || r.GivenOn > s.today() || d.Year() < 1980 {
		fe.Add("given_on", "请填写日期(不晚于今天)")
	}
	if err := fe.Err(); err != nil {
		return r, err
	}
	r.ID, r.VolunteerID, r.CreatedBy = database.NewID(), v.ID, st.Name
	_, err = s.db.ExecContext(ctx, `INSERT INTO volunteer_records (community_id, id, volunteer_id, kind, title, grade, content,
		given_on, given_by, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, v.CommunityID, r.ID,
		v.ID, r.Kind, r.Title, r.Grade, r.Content, r.GivenOn, r.GivenBy, database.FormatTime(s.now()), st.Name)
	return r, err
}

// Records lists a volunteer's commendations and evaluations, the latest first.
func (s *Service) Records(ctx context.Context, v Volunteer) ([]Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, volunteer_id, kind, title, grade, content, given_on, given_by, created_by
		FROM volunteer_records WHERE community_id = $1 AND volunteer_id = $2 ORDER BY given_on DESC, id DESC`, v.CommunityID, v.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		if err := rows.Scan(&r.ID, &r.VolunteerID, &r.Kind, &r.Title, &r.Grade, &r.Content, &r.GivenOn, &r.GivenBy, &r.CreatedBy); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
