package surveys

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/residents"
)

// Answers are a respondent's answers as posted: question position → the
// values of its field (one for most kinds, any number for multiple).
type Answers map[int][]string

// answer is one row of survey_answers.
type answer struct {
	position, choice int
	number           *int64
	text             string
}

// Field names the form field of a question: q1, q2, …
func Field(position int) string { return "q" + strconv.Itoa(position) }

// check reads answers against the questions; errors are at the question's
// field, and at "answers" for a question the survey does not have.
func (sv Survey) check(a Answers) ([]answer, error) {
	fe := fault.Fields{}
	known := map[int]bool{}
	var out []answer
	for _, q := range sv.Questions {
		known[q.Position] = true
		f := Field(q.Position)
		var vals []string
		for _, v := range a[q.Position] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			if q.Required {
				if q.Kind == Single || q.Kind == Multiple || q.Kind == Rating {
					fe.Add(f, "此题必答,请选择")
				} else {
					fe.Add(f, "此题必答,请填写")
				}
			}
			continue
		}
		if q.Kind != Multiple && len(vals) > 1 {
			fe.Add(f, "此题只能有一个答案")
			continue
		}
		switch q.Kind {
		case Single, Multiple:
			seen := map[int]bool{}
			for _, v := range vals {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > len(q.Options) {
					fe.Add(f, "所选选项不存在")
					break
				}
				if !seen[n] {
					seen[n] = true
					out = append(out, answer{position: q.Position, choice: n})
				}
			}
		case Rating:
			n, err := strconv.ParseInt(vals[0], 10, 64)
			if err != nil || n < 1 || n > 5 {
				fe.Add(f, "请选择1至5分")
				continue
			}
			out = append(out, answer{position: q.Position, number: &n})
		case Number:
			n, err := strconv.ParseInt(vals[0], 10, 64)
			switch {
			case err != nil:
				fe.Add(f, "请填写整数")
				continue
			case q.Max > q.Min && (n < q.Min || n > q.Max):
				fe.Add(f, fmt.Sprintf("请填写%d至%d之间的整数", q.Min, q.Max))
				continue
			}
			out = append(out, answer{position: q.Position, number: &n})
		case Text:
			if n := utf8.RuneCountInString(vals[0]); n > q.MaxLen {
				fe.Add(f, fmt.Sprintf("不超过%d字(现有%d字)", q.MaxLen, n))
				continue
			}
			out = append(out, answer{position: q.Position, text: vals[0]})
		}
	}
	for p := range a {
		if !known[p] {
			fe.Add("answers", fmt.Sprintf("问卷中没有第%d题,请刷新页面后重新填写", p))
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// respondentHash is the key of a respondent on a survey: the person or
// household, hashed with the survey's salt, so the table holds no
// register id.
func respondentHash(salt string, sv Survey, p residents.Resident) string {
	who := fmt.Sprintf("person:%d", p.PersonID)
	if sv.Unit == PerHousehold {
		who = fmt.Sprintf("household:%d", p.HouseholdID)
	}
	h := hmac.New(sha256.New, []byte(salt))
	fmt.Fprintf(h, "%d:%d:%s", sv.CommunityID, sv.ID, who)
	return hex.EncodeToString(h.Sum(nil))
}

// Respond records a signed-in resident's answers. Refused without a
// session, outside the period, outside the target, a second time, and
// for answers the questions do not admit.
func (s *Service) Respond(ctx context.Context, r *residents.Resident, community, id int64, a Answers) error {
	if r == nil || r.PersonID == 0 {
		return ErrNoResident
	}
	sv, err := s.survey(ctx, community, id)
	if err != nil {
		return err
	}
	if sv.Status == Draft {
		return ErrNotFound // a draft is nobody's to see
	}
	p, err := s.respondent(ctx, *r)
	if err != nil {
		return err
	}
	return s.respond(ctx, sv, p, a)
}

// respond checks and writes a response for a respondent whose facts are
// known (Respond, and the demo, which reads many at once).
func (s *Service) respond(ctx context.Context, sv Survey, p Respondent, a Answers) error {
	now := s.now()
	switch {
	case sv.Status == Closed || (sv.Status == Open && !now.Before(sv.ClosesAt)):
		return ErrClosed
	case !sv.Answering(now):
		return ErrNotOpen
	case !Targets(sv, p, now):
		return ErrNotTargeted
	}
	rows, err := sv.check(a)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var salt string
		if err := tx.QueryRowContext(ctx, `SELECT respondent_salt FROM surveys WHERE community_id = $1 AND id = $2`,
			sv.CommunityID, sv.ID).Scan(&salt); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO survey_respondents (community_id, survey_id, respondent_hash)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, sv.CommunityID, sv.ID, respondentHash(salt, sv, p.Resident))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrAnswered
		}
		// An anonymous response: a random id, no person, no time.
		var person any
		at := ""
		if !sv.Anonymous {
			person, at = p.PersonID, database.FormatTime(now)
		}
		rid := randomHex(12)
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_responses (community_id, survey_id, id, person_id, submitted_at)
			VALUES ($1, $2, $3, $4, $5)`, sv.CommunityID, sv.ID, rid, person, at); err != nil {
			return err
		}
		for _, x := range rows {
			var n any
			if x.number != nil {
				n = *x.number
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO survey_answers (community_id, survey_id, response_id, position,
				choice, number, text) VALUES ($1, $2, $3, $4, $5, $6, $7)`, sv.CommunityID, sv.ID, rid, x.position,
				x.choice, n, x.text); err != nil {
				return err
			}
		}
		return nil
	})
}

// HasAnswered says whether the resident (or their household) has answered:
// for their own page, never a list.
func (s *Service) HasAnswered(ctx context.Context, r residents.Resident, sv Survey) (bool, error) {
	var salt string
	if err := s.db.QueryRowContext(ctx, `SELECT respondent_salt FROM surveys WHERE community_id = $1 AND id = $2`,
		sv.CommunityID, sv.ID).Scan(&salt); err != nil {
		return false, err
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_respondents WHERE community_id = $1 AND survey_id = $2
		AND respondent_hash = $3`, sv.CommunityID, sv.ID, respondentHash(salt, sv, r)).Scan(&n)
	return n > 0, err
}

// Standing is what a resident's page needs: may they answer, and if not why.
type Standing struct {
	CanAnswer bool
	Note      string
}

// StandingOf says whether a resident (nil: nobody signed in) may answer sv now.
func (s *Service) StandingOf(ctx context.Context, r *residents.Resident, sv Survey) (Standing, error) {
	now := s.now()
	switch {
	case sv.Phase(now) == Closed:
		return Standing{Note: ErrClosed.Message}, nil
	case !sv.Answering(now):
		return Standing{Note: ErrNotOpen.Message}, nil
	case r == nil:
		return Standing{Note: "核验居民身份后可以填写问卷。"}, nil
	}
	p, err := s.respondent(ctx, *r)
	if err != nil {
		return Standing{}, err
	}
	if !Targets(sv, p, now) {
		return Standing{Note: ErrNotTargeted.Message}, nil
	}
	done, err := s.HasAnswered(ctx, *r, sv)
	if err != nil || done {
		return Standing{Note: "您(或您家)已填写过本问卷,谢谢参与。"}, err
	}
	return Standing{CanAnswer: true}, nil
}
