package events

import "slices"

// The workflow as data: each action names the statuses it may be taken
// from, the permission it needs and the status it leads to. Act refuses an
// action whose current status is not listed, so the table below is the
// whole state machine; the test walks every action from every status.
//
//	上报 reported ─受理(社区自办)→ community ─反馈→ verifying
//	             └受理(上报街道)→ escalated ─立案→ filed ─派遣→ dispatched ─签收→ handling ─反馈→ verifying
//	                                                 └上报区县→ district ─派遣→ dispatched
//	verifying ─核查通过→ verified ─结案→ closed ─评价→ closed
//	          └返工→ dispatched (or community)
//	dispatched/handling ─申请退回→ return_requested ─同意→ filed/district, ─驳回→ handling
//	reported/escalated ─不予受理→ rejected; ─合并→ merged; ─转办→ transferred

// Actions.
const (
	ActReport           = "report"
	ActAccept           = "accept"            // 受理 (Route: community 社区自办, street 上报街道)
	ActReject           = "reject"            // 不予受理 / 不予立案
	ActMerge            = "merge"             // 合并 as a duplicate of another event
	ActEscalate         = "escalate"          // 上报街道 (the community cannot handle it)
	ActSendBack         = "send_back"         // 退回社区 (the street will not file it; the community handles it)
	ActFile             = "file"              // 立案
	ActEscalateDistrict = "escalate_district" // 上报区县
	ActDispatch         = "dispatch"          // 派遣 to a department
	ActTake             = "take"              // 签收
	ActRequestReturn    = "request_return"    // 申请退回 a misdirected dispatch
	ActApproveReturn    = "approve_return"    // 同意退回
	ActRefuseReturn     = "refuse_return"     // 驳回退回
	ActFeedback         = "feedback"          // 反馈 handling done
	ActVerifyPass       = "verify_pass"       // 核查通过
	ActRework           = "rework"            // 返工
	ActClose            = "close"             // 结案
	ActRate             = "rate"              // 评价
	ActRecategorise     = "recategorise"      // 改类
	ActReroute          = "reroute"           // 改地点(网格、楼栋)
	ActTransfer         = "transfer"          // 转办 to another community
	ActSupervise        = "supervise"         // 督办 by hand
	ActComment          = "comment"           // 补充说明
	ActMediate          = "mediate"           // 调解记录
	ActTimeout          = "timeout"           // a 督办 notice issued by the scheduler
)

// ActionNames gives the Chinese name of each action.
var ActionNames = map[string]string{
	ActReport: "上报", ActAccept: "受理", ActReject: "不予受理", ActMerge: "合并", ActEscalate: "上报街道",
	ActSendBack: "退回社区", ActFile: "立案", ActEscalateDistrict: "上报区县", ActDispatch: "派遣",
	ActTake: "签收", ActRequestReturn: "申请退回", ActApproveReturn: "同意退回", ActRefuseReturn: "驳回退回",
	ActFeedback: "反馈", ActVerifyPass: "核查通过", ActRework: "返工", ActClose: "结案", ActRate: "评价",
	ActRecategorise: "改类", ActReroute: "改地点", ActTransfer: "转办", ActSupervise: "督办",
	ActComment: "补充说明", ActMediate: "调解记录", ActTimeout: "超时督办",
}

// who may take an action, beyond the permission at the event's place
const (
	byAnyone       = iota // the permission at the place is enough
	byCommunity           // the community office: events.accept at the place
	byDepartment          // the department the event is dispatched to
	byLevel               // a platform at (or above) the event's level
	byDispatcher          // a platform at (or above) the level that dispatched it
	byStreet              // the street platform (or above)
	byHandler             // the community for community events, the department for dispatched ones
	byLevelOffice         // the community office for community events, the platform otherwise
	byLevelOrAbove        // as byLevelOffice, or a platform above the event's level (corrections)
)

type actionDef struct {
	from      []string // statuses it may be taken from; nil: any open status
	perm      string
	who       int
	to        string // "" keeps the status (or is decided by the action)
	needNote  bool
	anyStatus bool // also from a final status (comments)
}

var machine = map[string]actionDef{
	ActAccept:           {from: []string{StatusReported}, perm: PermAccept, who: byLevelOrAbove},
	ActReject:           {from: []string{StatusReported, StatusEscalated}, perm: PermAccept, who: byLevelOrAbove, to: StatusRejected, needNote: true},
	ActMerge:            {from: []string{StatusReported, StatusEscalated, StatusFiled}, perm: PermAccept, who: byLevelOrAbove, to: StatusMerged},
	ActEscalate:         {from: []string{StatusCommunity}, perm: PermAccept, who: byCommunity, to: StatusEscalated},
	ActSendBack:         {from: []string{StatusEscalated}, perm: PermDispatch, who: byStreet, to: StatusCommunity, needNote: true},
	ActFile:             {from: []string{StatusEscalated}, perm: PermDispatch, who: byStreet, to: StatusFiled},
	ActEscalateDistrict: {from: []string{StatusFiled}, perm: PermDispatch, who: byStreet, to: StatusDistrict},
	ActDispatch:         {from: []string{StatusFiled, StatusDistrict}, perm: PermDispatch, who: byLevel, to: StatusDispatched},
	ActTake:             {from: []string{StatusDispatched}, perm: PermHandle, who: byDepartment, to: StatusHandling},
	ActRequestReturn:    {from: []string{StatusDispatched, StatusHandling}, perm: PermHandle, who: byDepartment, to: StatusReturnRequested, needNote: true},
	ActApproveReturn:    {from: []string{StatusReturnRequested}, perm: PermDispatch, who: byDispatcher},
	ActRefuseReturn:     {from: []string{StatusReturnRequested}, perm: PermDispatch, who: byDispatcher, to: StatusHandling, needNote: true},
	ActFeedback:         {from: []string{StatusCommunity, StatusDispatched, StatusHandling}, perm: PermHandle, who: byHandler, to: StatusVerifying},
	ActVerifyPass:       {from: []string{StatusVerifying}, perm: PermVerify, who: byAnyone, to: StatusVerified},
	ActRework:           {from: []string{StatusVerifying}, perm: PermVerify, who: byAnyone, needNote: true},
	ActClose:            {from: []string{StatusVerified}, perm: PermAccept, who: byLevelOffice, to: StatusClosed},
	ActRate:             {from: []string{StatusClosed}, perm: PermAccept, who: byAnyone},
	ActRecategorise:     {perm: PermAccept, who: byLevelOffice},
	ActReroute:          {perm: PermAccept, who: byLevelOrAbove},
	ActTransfer:         {from: []string{StatusReported, StatusCommunity, StatusEscalated, StatusFiled}, perm: PermAccept, who: byLevelOrAbove, to: StatusTransferred, needNote: true},
	ActSupervise:        {perm: PermSupervise, who: byAnyone},
	ActComment:          {perm: PermRead, who: byAnyone, anyStatus: true},
}

// allowedFrom reports whether the action may be taken from a status.
func (d actionDef) allowedFrom(status string) bool {
	if d.from == nil {
		return d.anyStatus || !Final(status)
	}
	return slices.Contains(d.from, status)
}

// target is the status an action leads to from e.
func target(action string, e *Event, a *Action) string {
	d := machine[action]
	switch action {
	case ActAccept:
		if a.Route == LevelCommunity {
			return StatusCommunity
		}
		return StatusEscalated
	case ActApproveReturn:
		if e.DispatchedBy == LevelDistrict {
			return StatusDistrict
		}
		return StatusFiled
	case ActRework:
		if e.Level == LevelCommunity {
			return StatusCommunity
		}
		return StatusDispatched
	}
	if d.to == "" {
		return e.Status
	}
	return d.to
}

// stepOf is the timed step an event in a status is in ("" when none).
func stepOf(status string) string {
	switch status {
	case StatusReported:
		return StepAccept
	case StatusCommunity, StatusDispatched, StatusHandling:
		return StepHandle
	case StatusEscalated:
		return StepFile
	case StatusFiled, StatusDistrict, StatusReturnRequested:
		return StepDispatch
	case StatusVerifying:
		return StepVerify
	case StatusVerified:
		return StepClose
	}
	return ""
}

// Actions lists the actions that may be taken from a status, in the
// order pages offer them.
func Actions(status string) []string {
	var out []string
	for _, a := range actionOrder {
		if machine[a].allowedFrom(status) {
			out = append(out, a)
		}
	}
	return out
}

var actionOrder = []string{ActAccept, ActFile, ActDispatch, ActTake, ActFeedback, ActVerifyPass, ActClose, ActRate,
	ActEscalate, ActEscalateDistrict, ActSendBack, ActRequestReturn, ActApproveReturn, ActRefuseReturn, ActRework,
	ActReject, ActMerge, ActTransfer, ActRecategorise, ActReroute, ActSupervise, ActComment}
