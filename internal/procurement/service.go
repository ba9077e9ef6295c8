// Package procurement keeps 政府购买服务 (财政部令第102号): a community's need
// — a passed 协商 decision or an admitted catalogue item — becomes a
// project with goals, terms and a budget; it is tendered in public with an
// evaluation rule (price points and weighted quality criteria), bid for by
// filed social organisations, scored by a panel whose members may not score
// an organisation they belong to or work for, awarded to the best total,
// contracted with milestones, paid only against accepted milestones and,
// at the end, rated by residents. Every project is published as OCDS 1.1
// releases. Amounts are 分 (int64); scores integer hundredths.
package procurement

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Permissions of 政府购买服务.
const (
	PermRead   = "procurement.read"   // see projects in scope, with bids and scores
	PermManage = "procurement.manage" // create, tender, record bids and scores, award, contract, pay
)

// Payer books a payment on a community fund (the community accounts) and
// says which funds a payment may come from. The server wires it; without
// one, payments are recorded without a fund entry. PayFromFund runs in
// the payment's transaction, so a refusal there saves nothing.
type Payer interface {
	PayFromFund(ctx context.Context, tx *sql.Tx, p FundPayment) error
	PayableFunds(ctx context.Context, community int64, year int) ([]FundChoice, error)
}

// FundPayment is a milestone payment to book on a fund.
type FundPayment struct {
	Community, Fund int64
	AmountFen       int64
	PaidOn          string
	Payee           string // the supplier
	Memo            string
	By              string // the staff's name
}

// FundChoice is a fund the payment form offers, with its balance.
type FundChoice struct {
	ID         int64
	Name       string
	BalanceFen int64
}

// Service keeps the projects.
type Service struct {
	db    *database.DB
	now   func() time.Time
	payer Payer
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// UsePayer books later payments on the community's funds through p.
func (s *Service) UsePayer(p Payer) { s.payer = p }

// PayableFunds are the funds of a community a payment of a year may be
// booked on; none without a Payer.
func (s *Service) PayableFunds(ctx context.Context, community int64, year int) ([]FundChoice, error) {
	if s.payer == nil {
		return nil, nil
	}
	return s.payer.PayableFunds(ctx, community, year)
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

func (s *Service) today() string { return s.now().In(workdays.Shanghai).Format(database.DateLayout) }

// Staff is who acts: their shown name and where they may act.
type Staff struct {
	Name string
	May  func(community int64) bool
}

// Errors of the package.
var (
	ErrNoProject = fault.New(fault.NotFound, "没有这个购买服务项目,或不在您的管辖范围内")
	ErrChanged   = fault.New(fault.Conflict, "保存冲突:这个项目刚被他人修改,请刷新后重试")
	ErrStage     = fault.New(fault.Refused, "项目当前所处阶段不能进行这项操作")
	ErrClosed    = fault.New(fault.Refused, "投标截止时间已过,不再接受投标或撤回")
	ErrNotClosed = fault.New(fault.Refused, "投标尚未截止,截止后才能评审")
	ErrNoBid     = fault.New(fault.NotFound, "没有这份投标")
	ErrTwice     = fault.New(fault.Conflict, "该组织已投标,同一组织只能投一份标;如需修改请先撤回原投标")
	ErrConflict  = fault.New(fault.Refused, "该评委是投标组织的成员、负责人或工作人员,须回避,不能为这份投标评分")
	ErrNotPanel  = fault.New(fault.Refused, "此人不是本项目评审小组成员")
	ErrUnscored  = fault.New(fault.Refused, "评审尚未完成:每位评委须为每份有效投标的每项评分因素评分")
	ErrNoBids    = fault.New(fault.Refused, "没有有效投标,不能授标")
	ErrNotMet    = fault.New(fault.Refused, "该节点尚未验收,验收合格后才能付款")
	ErrOverpaid  = fault.New(fault.Refused, "付款累计将超过合同金额,不能付款")
	ErrOverMile  = fault.New(fault.Refused, "付款累计将超过该节点金额,不能付款")
	ErrOpenMiles = fault.New(fault.Refused, "还有节点未验收,全部验收后才能结项评价")
)

// date checks a YYYY-MM-DD day.
func date(s string) bool {
	_, err := time.Parse(database.DateLayout, s)
	return err == nil
}

func isUnique(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
