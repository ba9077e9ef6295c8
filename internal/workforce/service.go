package workforce

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

// Permissions of the roster.
const (
	PermRead   = "workforce.read"   // the roster, cards and staffing figures in scope
	PermManage = "workforce.manage" // add coordinators, edit profiles, record certificates, training, assessments
)

// Service keeps the roster's records.
type Service struct {
	db  *database.DB
	org *orgtree.Store
	now func() time.Time
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, org: orgtree.NewStore(db), now: now}
}

// today is the day in China, where the staff work.
func (s *Service) today() string { return s.now().In(workdays.Shanghai).Format(database.DateLayout) }

// Actor is who records a change.
type Actor struct {
	UserID int64
	Name   string
	// May says whether the actor may change the roster of a community.
	May func(community int64) bool
}

// Label is a code with its Chinese name.
type Label struct{ Code, Name string }

func nameOf(ls []Label, code string) string {
	for _, l := range ls {
		if l.Code == code {
			return l.Name
		}
	}
	return ""
}

// Kinds of people on the roster.
const (
	KindStaff       = "staff"       // 社区工作者: 书记/主任, 社区工作者, 网格员 — paid, counted in the staffing ratio
	KindCoordinator = "coordinator" // 协管员, 五老
	KindPost        = "post"        // 居民骨干: 中心户长, 楼栋长, 居民小组长 — residents serving without pay
)

// Kinds are the roster's kinds in order.
var Kinds = []Label{{KindStaff, "社区工作者"}, {KindCoordinator, "协管员"}, {KindPost, "居民骨干"}}

// KindName names a kind.
func KindName(code string) string { return nameOf(Kinds, code) }

// kindOf is the roster kind of an org_staff role.
func kindOf(role string) string {
	switch role {
	case orgtree.RoleSecretary, orgtree.RoleCommunityStaff, orgtree.RoleGridWorker:
		return KindStaff
	case orgtree.RoleCoordinator:
		return KindCoordinator
	}
	return KindPost
}

// roleRank orders a person's assignments: the first heads their line.
var roleRank = map[string]int{orgtree.RoleSecretary: 0, orgtree.RoleCommunityStaff: 1, orgtree.RoleGridWorker: 2,
	orgtree.RoleCoordinator: 3, orgtree.RoleCenterHead: 4, orgtree.RoleGroupLeader: 5, orgtree.RoleBuildingHead: 6}

// Posts are the coordinators' posts (协管员岗位): those the seeds and the
// issue name; 综管员 is the merged 计生 and 出租屋 post of 深圳's communities.
var Posts = []Label{
	{"labour", "劳动保障协管员"}, {"family_planning", "计生专干"}, {"disability", "残疾人专职委员"},
	{"zongzhi", "综治协管员"}, {"rental", "出租屋协管员"}, {"integrated", "综管员"}, {"urban", "城管协管员"},
	{"correction", "社区矫正协管员"}, {"security", "治安协管员"}, {"elderly", "养老服务协管员"}, {"other", "其他协管员"},
}

// PostName names a coordinator's post.
func PostName(code string) string { return nameOf(Posts, code) }

// Wulao are the backgrounds of 五老: the seeds' 老党员、老干部、老职工、
// 老战士、老模范 and the 关工委's 老专家、老教师 besides.
var Wulao = []Label{
	{"party_veteran", "老党员"}, {"cadre", "老干部"}, {"worker", "老职工"}, {"soldier", "老战士"},
	{"expert", "老专家"}, {"teacher", "老教师"}, {"model", "老模范"},
}

// WulaoName names a 五老 background.
func WulaoName(code string) string { return nameOf(Wulao, code) }

// Duties are the 五大员 of the seeds: what 五老 coordinators take on.
var Duties = []Label{
	{"patrol", "治安防范巡逻员"}, {"mediator", "矛盾纠纷调解员"}, {"informant", "治安动向信息员"},
	{"liaison", "服务群众联络员"}, {"publicist", "综治工作宣传员"},
}

// DutyName names a 五大员 duty.
func DutyName(code string) string { return nameOf(Duties, code) }

// QualKinds are the kinds of certificate; the first three are the
// national social work qualifications (社会工作者职业资格).
var QualKinds = []Label{
	{"sw_assistant", "助理社会工作师(初级)"}, {"sw", "社会工作师(中级)"}, {"sw_senior", "高级社会工作师(高级)"},
	{"other", "其他证书"},
}

// QualKindName names a kind of certificate.
func QualKindName(code string) string { return nameOf(QualKinds, code) }

// socialWork says whether a certificate kind is a social work qualification.
func socialWork(kind string) bool {
	return kind == "sw_assistant" || kind == "sw" || kind == "sw_senior"
}

// change records a change event of a roster record.
func (s *Service) change(ctx context.Context, tx *sql.Tx, a Actor, community, staff int64, op string,
	changes map[string][2]any) error {
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO workforce_changes (community_id, id, staff_id, at, actor_id, actor, op, changes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, community, database.NewID(), staff, database.FormatTime(s.now()),
		actorID, a.Name, op, string(b))
	return err
}
