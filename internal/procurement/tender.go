package procurement

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// MinTenderDays is the shortest tender: a notice must stand this many days
// before bids close, so that organisations can prepare a proposal. (87号令's
// twenty days are for open tenders of government bodies; a community's
// small purchase keeps a week.)
const MinTenderDays = 7

// Tender is the tender notice's form: the evaluation rule and the deadline.
type Tender struct {
	PricePoints int
	Criteria    []CriterionDraft
	ClosesAt    string // local "2006-01-02T15:04", as a datetime-local input sends it
}

// CriterionDraft is a quality criterion as typed.
type CriterionDraft struct {
	Name   string
	Points string
}

// CheckRule validates the evaluation rule: the price's points within the
// range for services, each criterion named and worth something, and
// everything summing to 100.
func CheckRule(pricePoints int, criteria []CriterionDraft) (fault.Fields, []Criterion) {
	fe := fault.Fields{}
	if pricePoints < MinPricePoints || pricePoints > MaxPricePoints {
		fe.Add("price_points", "服务项目的价格分须在"+strconv.Itoa(MinPricePoints)+"至"+strconv.Itoa(MaxPricePoints)+"分之间")
	}
	var out []Criterion
	sum := pricePoints
	for i, c := range criteria {
		name, pts := strings.TrimSpace(c.Name), strings.TrimSpace(c.Points)
		if name == "" && pts == "" {
			continue
		}
		field := "criterion" + strconv.Itoa(i)
		n, err := strconv.Atoi(pts)
		switch {
		case name == "" || utf8.RuneCountInString(name) > 30:
			fe.Add(field, "请填写评分因素名称(30字以内)")
		case err != nil || n <= 0 || n > TotalPoints:
			fe.Add(field, "分值须是1至100之间的整数")
		default:
			sum += n
			out = append(out, Criterion{Name: name, MaxPoints: n})
		}
	}
	if len(out) == 0 && fe["criterion0"] == "" {
		fe.Add("criterion0", "请至少设置一项质量评分因素")
	}
	if len(out) > MaxCriteria {
		fe.Add("criteria", "质量评分因素最多"+strconv.Itoa(MaxCriteria)+"项")
	}
	if len(fe) == 0 && sum != TotalPoints {
		fe.Add("criteria", "价格分与各质量评分因素分值之和须为100分,现为"+strconv.Itoa(sum)+"分")
	}
	return fe, out
}

// Publish publishes a planned project's tender notice: from now bids are
// taken until the deadline.
func (s *Service) Publish(ctx context.Context, st Staff, id int64, version int, t Tender) error {
	fe, criteria := CheckRule(t.PricePoints, t.Criteria)
	now := s.now()
	closes, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(t.ClosesAt), workdays.Shanghai)
	if err != nil {
		fe.Add("closes_at", "请填写投标截止时间,如 2026-06-01 17:00")
	} else if closes.Before(now.AddDate(0, 0, MinTenderDays)) {
		fe.Add("closes_at", "投标截止时间须在发布之日起"+strconv.Itoa(MinTenderDays)+"日之后")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managed(ctx, tx, st, id)
		if err != nil {
			return err
		}
		if p.Version != version {
			return ErrChanged
		}
		if p.Status != "planning" {
			return ErrStage
		}
		if err := s.bump(ctx, tx, st, p, version, `, status = 'tender', price_points = $5, tender_opens_at = $6, tender_closes_at = $7`,
			t.PricePoints, database.FormatTime(now), database.FormatTime(closes)); err != nil {
			return err
		}
		for i, c := range criteria {
			if _, err := tx.ExecContext(ctx, `INSERT INTO procurement_criteria (project_id, id, name, max_points, sort)
				VALUES ($1, $2, $3, $4, $5)`, id, database.NewID(), c.Name, c.MaxPoints, i); err != nil {
				return err
			}
		}
		return nil
	})
}
