package disclosure

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// Question is a resident's question about a publication and its answer.
type Question struct {
	ID            int64  `json:"id"`
	CommunityID   int64  `json:"community_id"`
	PublicationID int64  `json:"publication_id"`
	Text          string `json:"text"`
	Phone         string `json:"-"` // staff only, masked unless they manage the community
	AskedAt       string `json:"asked_at"`
	Status        string `json:"status"`
	Answer        string `json:"answer,omitempty"`
	AnsweredAt    string `json:"answered_at,omitempty"`
	AnsweredBy    string `json:"-"`
	Version       int    `json:"version"`
}

// The states of a question.
const (
	QuestionOpen     = "open"
	QuestionAnswered = "answered"
)

// QuestionStates names them.
var QuestionStates = map[string]string{QuestionOpen: "待答复", QuestionAnswered: "已答复"}

// ErrNoQuestion answers a question that does not exist or lies outside the caller's part.
var ErrNoQuestion = fault.New(fault.NotFound, "没有这条提问")

// MaxQuestion is the longest question, in characters.
const MaxQuestion = 500

// Ask records a resident's question about a published publication (no
// login: the web layer limits how often one address may ask).
func (s *Service) Ask(ctx context.Context, community, publication int64, textIn, phone string) (Question, error) {
	fe := fault.Fields{}
	q := Question{CommunityID: community, PublicationID: publication, Status: QuestionOpen, Version: 1,
		Text: text(fe, "text", textIn, "问题", MaxQuestion, true), AskedAt: s.stamp()}
	q.Phone = strings.TrimSpace(phone)
	if q.Phone != "" && !validPhone(q.Phone) {
		fe.Add("phone", "请填写 11 位手机号码,或留空")
	}
	if err := fe.Err(); err != nil {
		return q, err
	}
	p, err := s.Publication(ctx, community, publication)
	if err != nil {
		return q, err
	}
	if p.PublishedOn == "" {
		return q, ErrNoPublication // not public yet: as if it did not exist
	}
	q.ID = database.NewID()
	_, err = s.db.ExecContext(ctx, `INSERT INTO disclosure_questions (community_id, id, publication_id, text, phone,
		asked_at, status) VALUES ($1, $2, $3, $4, $5, $6, 'open')`, community, q.ID, publication, q.Text, q.Phone, q.AskedAt)
	return q, err
}

func validPhone(p string) bool {
	if len(p) != 11 || p[0] != '1' {
		return false
	}
	for _, r := range p {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

const questionColumns = `id, community_id, publication_id, text, phone, asked_at, status, answer, answered_at,
	answered_by, version`

func scanQuestion(row interface{ Scan(...any) error }) (Question, error) {
	var q Question
	err := row.Scan(&q.ID, &q.CommunityID, &q.PublicationID, &q.Text, &q.Phone, &q.AskedAt, &q.Status, &q.Answer,
		&q.AnsweredAt, &q.AnsweredBy, &q.Version)
	return q, err
}

// Questions lists the questions of a publication, the oldest first. The
// phone is left out unless withPhone (staff who manage the community).
func (s *Service) Questions(ctx context.Context, community, publication int64, withPhone bool) ([]Question, error) {
	return s.questions(ctx, `community_id = $1 AND publication_id = $2`, withPhone, community, publication)
}

// OpenQuestions lists the unanswered questions of the communities in scope.
func (s *Service) OpenQuestions(ctx context.Context, scope access.Scope) ([]Question, error) {
	q := s.db.Args()
	where := "status = 'open'" + scope.CommunityWhere(q, "disclosure_questions") // " AND …" or ""

	return s.questions(ctx, where, true, q.Values()...)
}

func (s *Service) questions(ctx context.Context, where string, withPhone bool, args ...any) ([]Question, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+questionColumns+` FROM disclosure_questions WHERE `+where+
		` ORDER BY asked_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		if !withPhone {
			q.Phone = ""
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Answer answers a question (or corrects the answer) on the version read.
func (s *Service) Answer(ctx context.Context, st Staff, community, id int64, answer string, version int) (Question, error) {
	if !st.Scope.Contains(access.Place{Community: community}) {
		return Question{}, ErrNoQuestion
	}
	fe := fault.Fields{}
	answer = text(fe, "answer", answer, "答复", 2000, true)
	if err := fe.Err(); err != nil {
		return Question{}, err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE disclosure_questions SET answer = $1, answered_at = $2, answered_by = $3,
		status = 'answered', version = version + 1 WHERE community_id = $4 AND id = $5 AND version = $6`,
		answer, s.stamp(), st.Name, community, id, version)
	if err != nil {
		return Question{}, err
	}
	q, err := scanQuestion(s.db.QueryRowContext(ctx, `SELECT `+questionColumns+` FROM disclosure_questions
		WHERE community_id = $1 AND id = $2`, community, id))
	if errors.Is(err, sql.ErrNoRows) {
		return q, ErrNoQuestion
	}
	if n, _ := res.RowsAffected(); err == nil && n == 0 {
		return q, ErrChanged
	}
	return q, err
}
