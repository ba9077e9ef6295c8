// Package funds keeps a community's accounts (社区经费): its funds —
// 工作经费, 以奖代补, 费随事转, 专项, 捐赠 — each with a source, a negative
// list and an idle rule; allocations computed from the register by rules
// kept as data (乌海's tiers by households, 成都's base plus so much per
// hundred residents); an append-only ledger in 分 of allocations,
// receipts, expenses (category, payee, vouchers), transfers and reversals,
// each entry also a change event; budgets by category; idle funds; and
// monthly or quarterly statements, which 财务公开 publishes.
//
// 费随事转 money is recorded by internal/workaccess (work_funds): a fund of
// kind transfer reads the payments of its community and year from there
// as its receipts instead of copying them, so the two never disagree.
package funds

import (
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Permissions of the accounts.
const (
	PermRead   = "funds.read"   // see funds, entries, budgets and statements in scope
	PermManage = "funds.manage" // create funds, record entries, reverse them, set budgets
)

// Code is a coded value and its name.
type Code struct{ Code, Name string }

// Kinds are the kinds of fund, in the order forms show them.
var Kinds = []Code{{"working", "工作经费"}, {"award", "以奖代补"}, {"transfer", "费随事转"},
	{"special", "专项经费"}, {"donation", "捐赠"}}

// Categories are the expense categories. transfer is kept for the
// transfers out of a fund and is not offered on the expense form.
var Categories = []Code{{"office", "办公"}, {"activity", "活动"}, {"purchase", "服务购买"}, {"care", "慰问"},
	{"repair", "维修"}, {"publicity", "宣传"}, {"other", "其他"}}

// TransferCategory is the statement line of money moved to another fund.
const TransferCategory = "transfer"

func name(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// KindName names a kind code ("" for an unknown one).
func KindName(code string) string { return name(Kinds, code) }

// CategoryName names a category code.
func CategoryName(code string) string {
	if code == TransferCategory {
		return "调出至其他经费"
	}
	return name(Categories, code)
}

// Service keeps the accounts.
type Service struct {
	db  *database.DB
	now func() time.Time
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

func (s *Service) today() string { return s.now().In(workdays.Shanghai).Format(database.DateLayout) }

// Staff is who acts: their shown name, user id, and where they may act.
type Staff struct {
	UserID int64
	Name   string
	Source string // web, api, demo, bench: as the register's change events say
	// May says whether the staff may act in (or read) a community.
	May func(community int64) bool
}

// Errors of the package.
var (
	ErrNoFund  = fault.New(fault.NotFound, "没有这项经费,或不在您的管辖范围内")
	ErrNoEntry = fault.New(fault.NotFound, "没有这条台账记录")
)

func date(s string) bool {
	_, err := time.Parse(database.DateLayout, s)
	return err == nil
}

func isUnique(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
