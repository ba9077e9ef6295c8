package events

import (
	"time"

	"shequ/internal/access"
)

// Permissions (migration 042 gives them to the built-in roles).
const (
	PermRead      = "events.read"      // see events in scope
	PermReport    = "events.report"    // report events
	PermAccept    = "events.accept"    // 受理, 不予受理, 合并, 社区自办 and its 反馈, 上报街道, close community events
	PermHandle    = "events.handle"    // departments: 签收, 反馈, 申请退回 of events dispatched to them
	PermVerify    = "events.verify"    // 核查: pass or 返工
	PermDispatch  = "events.dispatch"  // platforms: 立案, 派遣, 上报区县, 退回 decisions, close escalated events
	PermSupervise = "events.supervise" // 督办 by hand, the overdue lists
	PermManage    = "events.manage"    // categories, time limits, contacts
)

// Statuses of an event.
const (
	StatusReported        = "reported"         // 待受理
	StatusRejected        = "rejected"         // 不予受理
	StatusMerged          = "merged"           // 已合并(重复)
	StatusTransferred     = "transferred"      // 已转办(另一社区)
	StatusCommunity       = "community"        // 社区办理中(社区自办)
	StatusEscalated       = "escalated"        // 已上报街道,待立案
	StatusFiled           = "filed"            // 已立案,待派遣
	StatusDistrict        = "district"         // 已上报区县,待派遣
	StatusDispatched      = "dispatched"       // 已派遣,待签收
	StatusHandling        = "handling"         // 处置中
	StatusReturnRequested = "return_requested" // 部门申请退回
	StatusVerifying       = "verifying"        // 已反馈,待核查
	StatusVerified        = "verified"         // 核查通过,待结案
	StatusClosed          = "closed"           // 已结案
)

// StatusNames gives the Chinese name of each status.
var StatusNames = map[string]string{
	StatusReported:        "待受理",
	StatusRejected:        "不予受理",
	StatusMerged:          "已合并",
	StatusTransferred:     "已转办",
	StatusCommunity:       "社区办理中",
	StatusEscalated:       "待立案",
	StatusFiled:           "待派遣",
	StatusDistrict:        "区县待派遣",
	StatusDispatched:      "待签收",
	StatusHandling:        "处置中",
	StatusReturnRequested: "申请退回",
	StatusVerifying:       "待核查",
	StatusVerified:        "待结案",
	StatusClosed:          "已结案",
}

// Statuses in workflow order, for lists and filters.
var Statuses = []string{StatusReported, StatusCommunity, StatusEscalated, StatusFiled, StatusDistrict,
	StatusDispatched, StatusHandling, StatusReturnRequested, StatusVerifying, StatusVerified,
	StatusClosed, StatusRejected, StatusMerged, StatusTransferred}

// Final reports whether a status ends the workflow.
func Final(status string) bool {
	switch status {
	case StatusClosed, StatusRejected, StatusMerged, StatusTransferred:
		return true
	}
	return false
}

// OpenStatuses are the statuses of events still being worked on.
var OpenStatuses = func() []string {
	var out []string
	for _, s := range Statuses {
		if !Final(s) {
			out = append(out, s)
		}
	}
	return out
}()

// Handling levels.
const (
	LevelCommunity = "community" // 社区
	LevelStreet    = "street"    // 街道二级平台
	LevelDistrict  = "district"  // 区县一级指挥平台
)

// LevelNames gives the Chinese name of each level.
var LevelNames = map[string]string{LevelCommunity: "社区", LevelStreet: "街道", LevelDistrict: "区县"}

func levelRank(l string) int {
	switch l {
	case LevelCommunity:
		return 1
	case LevelStreet:
		return 2
	case LevelDistrict:
		return 3
	}
	return 0
}

// Urgencies.
const (
	UrgencyNormal   = "normal"   // 一般
	UrgencyUrgent   = "urgent"   // 紧急
	UrgencyCritical = "critical" // 特急
)

// UrgencyNames gives the Chinese name of each urgency.
var UrgencyNames = map[string]string{UrgencyNormal: "一般", UrgencyUrgent: "紧急", UrgencyCritical: "特急"}

// Sources of a report.
const (
	SourceGrid     = "grid"     // 网格员巡查上报
	SourceOffice   = "office"   // 社区/平台工作人员录入
	SourcePhone    = "phone"    // 来电
	SourceHotline  = "hotline"  // 12345 转办
	SourceResident = "resident" // 居民自行上报(公开页面)
	SourceAPI      = "api"      // 其他系统
	SourceOpen311  = "open311"  // Open311 客户端
)

// SourceNames gives the Chinese name of each source.
var SourceNames = map[string]string{
	SourceGrid: "网格员上报", SourceOffice: "工作人员录入", SourcePhone: "来电", SourceHotline: "12345转办",
	SourceResident: "居民上报", SourceAPI: "系统对接", SourceOpen311: "Open311",
}

// Steps that have a time limit (the clock of the current status).
const (
	StepAccept   = "accept"   // from report to 受理
	StepFile     = "file"     // from 上报街道 to 立案
	StepDispatch = "dispatch" // from 立案 (or 上报区县, 退回申请) to 派遣 or a decision
	StepHandle   = "handle"   // from 派遣 (or 社区自办) to 反馈
	StepVerify   = "verify"   // from 反馈 to 核查
	StepClose    = "close"    // from 核查通过 to 结案
)

// StepNames gives the Chinese name of each timed step.
var StepNames = map[string]string{StepAccept: "受理", StepFile: "立案", StepDispatch: "派遣", StepHandle: "处置",
	StepVerify: "核查", StepClose: "结案"}

// Event is one reported matter.
type Event struct {
	CommunityID int64    `json:"community_id"`
	ID          int64    `json:"id"`
	GridID      int64    `json:"grid_id,omitempty"`
	OrgID       int64    `json:"org_id"`
	TrackingNo  string   `json:"tracking_no"`
	Category    string   `json:"category"`
	Urgency     string   `json:"urgency"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Address     string   `json:"address,omitempty"`
	Lat         *float64 `json:"lat,omitempty"`
	Lon         *float64 `json:"lon,omitempty"`
	SubjectKind string   `json:"subject_kind,omitempty"`
	SubjectID   int64    `json:"subject_id,omitempty"`
	Source      string   `json:"source"`
	ExternalRef string   `json:"external_ref,omitempty"`

	ReporterUserID int64  `json:"reporter_user_id,omitempty"`
	ReporterName   string `json:"reporter_name,omitempty"`
	ReporterPhone  string `json:"reporter_phone,omitempty"`
	Anonymous      bool   `json:"anonymous,omitempty"`
	// Private: the reporter keeps the description and photos from the
	// public feed (the offices handling it still see them).
	Private bool `json:"private,omitempty"`

	Status         string `json:"status"`
	Level          string `json:"level"`
	Department     string `json:"department,omitempty"`
	DispatchedBy   string `json:"dispatched_by,omitempty"`
	AssigneeUserID int64  `json:"assignee_user_id,omitempty"`
	MergedInto     int64  `json:"merged_into,omitempty"`

	DueStep       string    `json:"due_step,omitempty"`
	StepStartedAt time.Time `json:"step_started_at,omitempty"`
	DueAt         time.Time `json:"due_at,omitempty"`
	Supervision   string    `json:"supervision,omitempty"`
	TimerAt       time.Time `json:"-"`

	HandleDueAt     time.Time `json:"handle_due_at,omitempty"`
	AcceptedAt      time.Time `json:"accepted_at,omitempty"`
	DispatchedAt    time.Time `json:"dispatched_at,omitempty"`
	FeedbackAt      time.Time `json:"feedback_at,omitempty"`
	ClosedAt        time.Time `json:"closed_at,omitempty"`
	OnTime          *bool     `json:"on_time,omitempty"`
	HandlingMinutes *int      `json:"handling_minutes,omitempty"`
	ReworkCount     int       `json:"rework_count"`
	Rating          int       `json:"rating,omitempty"`
	RatingComment   string    `json:"rating_comment,omitempty"`
	RatedAt         time.Time `json:"rated_at,omitempty"`
	Open311Token    string    `json:"-"`

	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Place is where the event lies, for access scopes.
func (e *Event) Place() access.Place {
	return access.Place{Community: e.CommunityID, Grid: e.GridID, Org: e.OrgID}
}

// Overdue reports whether the event's current step is past its deadline
// at now — the one definition of overdue (see package doc).
func (e *Event) Overdue(now time.Time) bool {
	return !Final(e.Status) && overdue(e.DueAt, now)
}

// Ref names the event for logs and notifications: "event:ID".
func (e *Event) Ref() string { return "event:" + itoa(e.ID) }

// Step is one transition in an event's history.
type Step struct {
	CommunityID int64     `json:"community_id"`
	EventID     int64     `json:"event_id"`
	ID          int64     `json:"id"`
	Action      string    `json:"action"`
	FromStatus  string    `json:"from_status"`
	ToStatus    string    `json:"to_status"`
	ActorUserID int64     `json:"actor_user_id,omitempty"`
	ActorName   string    `json:"actor_name"`
	ActorUnit   string    `json:"actor_unit,omitempty"`
	Level       string    `json:"level,omitempty"`
	Department  string    `json:"department,omitempty"`
	Note        string    `json:"note,omitempty"`
	PublicNote  string    `json:"public_note,omitempty"`
	Data        string    `json:"data,omitempty"`
	DueAt       time.Time `json:"due_at,omitempty"`
	Late        bool      `json:"late,omitempty"`
	CreatedAt   time.Time `json:"created_at"`

	Attachments []Attachment `json:"attachments,omitempty"`
}

// Attachment is a photo (or other file) of a step.
type Attachment struct {
	ID          int64  `json:"id"`
	StepID      int64  `json:"step_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	Public      bool   `json:"public,omitempty"`
}
