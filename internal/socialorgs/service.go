// Package socialorgs keeps 社区社会组织: the community's own groups (老年人
// 协会, 舞蹈队, 志愿者协会, 书画协会 …) — not the register's organisations,
// which are businesses and units. Each is registered with its kind, filed
// (备案) with the street, led by a person of the register, and may be a hub
// (枢纽型) that supports others; edits are version-checked and every save
// leaves a row of history. Members are persons of the register, from a day
// to a day, never twice at once; activities are dated, with a count of
// participants or the members who took part.
package socialorgs

import (
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Permissions of the social organisations.
const (
	PermRead   = "socialorgs.read"   // see organisations, members and activities in scope
	PermManage = "socialorgs.manage" // register, file, edit; members and activities
)

// Kinds are the kinds of organisation (民政部《关于大力培育发展社区社会组织
// 的意见》's four), in the order forms show them.
var Kinds = []Kind{{"culture", "文体娱乐"}, {"charity", "公益慈善"}, {"service", "社区服务"},
	{"mediation", "专业调处"}, {"other", "其他"}}

// Kind is a coded kind.
type Kind struct{ Code, Name string }

// KindName names a kind code ("" for an unknown one).
func KindName(code string) string {
	for _, k := range Kinds {
		if k.Code == code {
			return k.Name
		}
	}
	return ""
}

// Statuses name the filing statuses.
var Statuses = []Kind{{"preparing", "筹备"}, {"filed", "已备案"}, {"dissolved", "注销"}}

// StatusName names a status code.
func StatusName(code string) string {
	for _, k := range Statuses {
		if k.Code == code {
			return k.Name
		}
	}
	return ""
}

// Service keeps the organisations, their members and activities.
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

// Staff is who acts: their shown name and where they may act (manage) or
// read.
type Staff struct {
	Name string
	// May says whether the staff may act in a community.
	May func(community int64) bool
}

// Errors of the package.
var (
	ErrNoOrg     = fault.New(fault.NotFound, "没有这个社会组织,或不在您的管辖范围内")
	ErrChanged   = fault.New(fault.Conflict, "保存冲突:这个社会组织的信息刚被他人修改,请刷新后重新填写")
	ErrNoPerson  = fault.New(fault.NotFound, "本社区登记的居民中没有这个人")
	ErrDuplicate = fault.New(fault.Conflict, "该居民已是这个组织的成员,不能重复加入")
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
