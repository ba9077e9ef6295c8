package procurement

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/database"
	"shequ/internal/money"
	"shequ/internal/workdays"
)

// OCIDPrefix starts every project's Open Contracting ID. A deployment that
// registers its own prefix with the Open Contracting Partnership sets it
// here; the project's id follows it.
const OCIDPrefix = "ocds-shequ-"

// OCDS 1.1 as the projects publish it: a release package of releases, one
// for each stage a project has reached (planning, tender, award, contract,
// implementation), each the whole project as it stood that day. Amounts
// are decimal 元 written from 分; parties are organisations and public
// units, never persons.
type (
	// ReleasePackage is the OCDS release package.
	ReleasePackage struct {
		URI           string    `json:"uri"`
		Version       string    `json:"version"`
		PublishedDate string    `json:"publishedDate"`
		Publisher     Publisher `json:"publisher"`
		Releases      []Release `json:"releases"`
	}
	// RecordPackage is the OCDS record package: a record per project.
	RecordPackage struct {
		URI           string    `json:"uri"`
		Version       string    `json:"version"`
		PublishedDate string    `json:"publishedDate"`
		Publisher     Publisher `json:"publisher"`
		Records       []Record  `json:"records"`
	}
	Record struct {
		OCID            string    `json:"ocid"`
		Releases        []Release `json:"releases"`
		CompiledRelease Release   `json:"compiledRelease"`
	}
	Publisher struct {
		Name string `json:"name"`
	}
	Release struct {
		OCID           string      `json:"ocid"`
		ID             string      `json:"id"`
		Date           string      `json:"date"`
		Tag            []string    `json:"tag"`
		InitiationType string      `json:"initiationType"`
		Language       string      `json:"language"`
		Parties        []Party     `json:"parties"`
		Buyer          *OrgRef     `json:"buyer,omitempty"`
		Planning       *Planning   `json:"planning,omitempty"`
		Tender         *OCDSTender `json:"tender,omitempty"`
		Awards         []Award     `json:"awards,omitempty"`
		Contracts      []Contract  `json:"contracts,omitempty"`
	}
	Party struct {
		ID    string   `json:"id"`
		Name  string   `json:"name"`
		Roles []string `json:"roles"`
	}
	OrgRef struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	Value struct {
		Amount   Yuan   `json:"amount"`
		Currency string `json:"currency"`
	}
	Budget struct {
		Description string `json:"description,omitempty"`
		Amount      Value  `json:"amount"`
	}
	Planning struct {
		Rationale string `json:"rationale,omitempty"`
		Budget    Budget `json:"budget"`
	}
	Period struct {
		StartDate string `json:"startDate,omitempty"`
		EndDate   string `json:"endDate,omitempty"`
	}
	OCDSTender struct {
		ID                   string   `json:"id"`
		Title                string   `json:"title"`
		Description          string   `json:"description,omitempty"`
		Status               string   `json:"status"`
		Value                *Value   `json:"value,omitempty"`
		ProcurementMethod    string   `json:"procurementMethod"`
		MainCategory         string   `json:"mainProcurementCategory"`
		AwardCriteria        string   `json:"awardCriteria,omitempty"`
		AwardCriteriaDetails string   `json:"awardCriteriaDetails,omitempty"`
		TenderPeriod         *Period  `json:"tenderPeriod,omitempty"`
		ProcuringEntity      *OrgRef  `json:"procuringEntity,omitempty"`
		NumberOfTenderers    *int     `json:"numberOfTenderers,omitempty"`
		Tenderers            []OrgRef `json:"tenderers,omitempty"`
	}
	Award struct {
		ID          string   `json:"id"`
		Title       string   `json:"title"`
		Description string   `json:"description,omitempty"`
		Status      string   `json:"status"`
		Date        string   `json:"date"`
		Value       Value    `json:"value"`
		Suppliers   []OrgRef `json:"suppliers"`
	}
	Contract struct {
		ID             string          `json:"id"`
		AwardID        string          `json:"awardID"`
		Title          string          `json:"title"`
		Status         string          `json:"status"`
		Period         *Period         `json:"period,omitempty"`
		Value          Value           `json:"value"`
		DateSigned     string          `json:"dateSigned,omitempty"`
		Milestones     []OCDSMilestone `json:"milestones,omitempty"`
		Implementation *Implementation `json:"implementation,omitempty"`
	}
	Implementation struct {
		Transactions []Transaction   `json:"transactions,omitempty"`
		Milestones   []OCDSMilestone `json:"milestones,omitempty"`
	}
	OCDSMilestone struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Type        string `json:"type"`
		Description string `json:"description,omitempty"`
		DueDate     string `json:"dueDate"`
		DateMet     string `json:"dateMet,omitempty"`
		Status      string `json:"status"`
	}
	Transaction struct {
		ID    string `json:"id"`
		Date  string `json:"date"`
		Value Value  `json:"value"`
		Payer OrgRef `json:"payer"`
		Payee OrgRef `json:"payee"`
	}
)

// Yuan is an amount in 分 that JSON writes as a decimal number of 元 with
// two places ("123456" → 1234.56), exactly, with no float between.
type Yuan int64

// MarshalJSON writes the number.
func (y Yuan) MarshalJSON() ([]byte, error) { return []byte(money.Yuan(int64(y))), nil }

func cny(fen int64) Value { return Value{Amount: Yuan(fen), Currency: "CNY"} }

// stamp writes a stored time as an RFC 3339 date-time in China's zone.
func stamp(stored string) string {
	return database.ParseTime(stored).In(workdays.Shanghai).Format(time.RFC3339)
}

// dayStamp writes a YYYY-MM-DD day as its midnight in China.
func dayStamp(day string) string {
	t, err := time.ParseInLocation(database.DateLayout, day, workdays.Shanghai)
	if err != nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

// OCID is a project's Open Contracting ID.
func OCID(project int64) string { return OCIDPrefix + strconv.FormatInt(project, 10) }

// unitRef names a public unit as a party.
func unitRef(id int64, name string) OrgRef {
	return OrgRef{ID: "CN-SHEQU-UNIT-" + strconv.FormatInt(id, 10), Name: name}
}

func orgRef(id int64, name string) OrgRef {
	return OrgRef{ID: "CN-SHEQU-SO-" + strconv.FormatInt(id, 10), Name: name}
}

// ocdsFacts are what a project's releases are built of.
type ocdsFacts struct {
	p                 Project
	community, street OrgRef
	bids              []Bid
	milestones        []Milestone
	payments          []Payment
}

// Releases are the OCDS releases of the projects of the communities given,
// oldest project first, each project's in the order of its stages.
func (s *Service) Releases(ctx context.Context, communities []int64) ([][]Release, error) {
	ps, err := s.list(ctx, communities, "")
	if err != nil {
		return nil, err
	}
	units := map[int64]OrgRef{}
	unit := func(id int64) (OrgRef, int64, error) {
		var name string
		var parent int64
		err := s.db.QueryRowContext(ctx, `SELECT name, COALESCE(parent_id, 0) FROM org_units WHERE id = $1`, id).Scan(&name, &parent)
		return unitRef(id, name), parent, err
	}
	var out [][]Release
	for i := len(ps) - 1; i >= 0; i-- {
		p, err := s.load(ctx, s.db, ps[i].ID)
		if err != nil {
			return nil, err
		}
		f := ocdsFacts{p: p}
		var parent int64
		if f.community, parent, err = unit(p.CommunityID); err != nil {
			return nil, err
		}
		f.street = f.community
		if parent != 0 {
			if r, ok := units[parent]; ok {
				f.street = r
			} else if f.street, _, err = unit(parent); err != nil {
				return nil, err
			}
			units[parent] = f.street
		}
		if f.bids, err = s.bids(ctx, s.db, p.ID); err == nil {
			if f.milestones, err = s.Milestones(ctx, p.ID); err == nil {
				f.payments, err = s.Payments(ctx, p.ID)
			}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f.releases())
	}
	return out, nil
}

// releases builds a project's releases, one per stage reached.
func (f ocdsFacts) releases() []Release {
	p := f.p
	ocid := OCID(p.ID)
	rationale := p.Decision
	if p.WorkItem != "" {
		rationale = "社区工作准入目录事项:" + p.WorkItem
	} else if p.Matter != "" {
		rationale = "居民议事协商决定「" + p.Matter + "」:" + p.Decision
	}
	base := func(tag, date string) Release {
		buyer := f.street
		return Release{OCID: ocid, ID: ocid + "-" + tag, Date: date, Tag: []string{tag}, InitiationType: "tender",
			Language: "zh", Buyer: &buyer,
			Planning: &Planning{Rationale: rationale, Budget: Budget{Description: CategoryName(p.Category), Amount: cny(p.BudgetFen)}},
			Tender: &OCDSTender{ID: ocid + "-tender", Title: p.Title, Description: p.Goals, Status: "planning",
				Value: ptr(cny(p.BudgetFen)), ProcurementMethod: "open", MainCategory: "services", ProcuringEntity: &f.community}}
	}
	parties := func(withBidders bool, supplier int64) []Party {
		ps := []Party{}
		if f.street == f.community {
			ps = append(ps, Party{ID: f.community.ID, Name: f.community.Name, Roles: []string{"buyer", "procuringEntity", "payer"}})
		} else {
			ps = append(ps, Party{ID: f.street.ID, Name: f.street.Name, Roles: []string{"buyer"}},
				Party{ID: f.community.ID, Name: f.community.Name, Roles: []string{"procuringEntity", "payer"}})
		}
		if withBidders {
			for _, b := range f.bids {
				if b.Status != "valid" {
					continue
				}
				r := orgRef(b.OrgID, b.OrgName)
				roles := []string{"tenderer"}
				if b.ID == supplier {
					roles = append(roles, "supplier", "payee")
				}
				ps = append(ps, Party{ID: r.ID, Name: r.Name, Roles: roles})
			}
		}
		return ps
	}
	r := base("planning", stamp(p.CreatedAt))
	r.Parties = parties(false, 0)
	out := []Release{r}
	if p.OpensAt == "" {
		return out
	}
	criteria := "价格分 " + strconv.Itoa(p.PricePoints) + " 分(最低有效报价÷投标报价×价格分)"
	for _, c := range p.Criteria {
		criteria += ";" + c.Name + " " + strconv.Itoa(c.MaxPoints) + " 分"
	}
	tender := func(r *Release, status string) {
		r.Tender.Status = status
		r.Tender.AwardCriteria = "ratedCriteria"
		r.Tender.AwardCriteriaDetails = criteria
		r.Tender.TenderPeriod = &Period{StartDate: stamp(p.OpensAt), EndDate: stamp(p.ClosesAt)}
	}
	r = base("tender", stamp(p.OpensAt))
	tender(&r, "active")
	r.Parties = parties(false, 0)
	out = append(out, r)
	if p.AwardBidID == 0 {
		return out
	}
	var winner Bid
	var tenderers []OrgRef
	for _, b := range f.bids {
		if b.Status != "valid" {
			continue
		}
		tenderers = append(tenderers, orgRef(b.OrgID, b.OrgName))
		if b.ID == p.AwardBidID {
			winner = b
		}
	}
	supplier := orgRef(winner.OrgID, winner.OrgName)
	award := Award{ID: ocid + "-award", Title: p.Title, Description: winner.Proposal, Status: "active", Date: stamp(p.AwardedAt),
		Value: cny(winner.PriceFen), Suppliers: []OrgRef{supplier}}
	awarded := func(tag, date string) Release {
		r := base(tag, date)
		tender(&r, "complete")
		n := len(tenderers)
		r.Tender.NumberOfTenderers, r.Tender.Tenderers = &n, tenderers
		r.Awards = []Award{award}
		r.Parties = parties(true, winner.ID)
		return r
	}
	out = append(out, awarded("award", stamp(p.AwardedAt)))
	if p.SignedOn == "" {
		return out
	}
	contract := Contract{ID: ocid + "-contract", AwardID: award.ID, Title: p.Title + " 服务合同", Status: "active",
		Period: &Period{StartDate: dayStamp(p.StartsOn), EndDate: dayStamp(p.EndsOn)}, Value: cny(p.ContractFen),
		DateSigned: dayStamp(p.SignedOn)}
	r = awarded("contract", dayStamp(p.SignedOn))
	for _, m := range f.milestones {
		contract.Milestones = append(contract.Milestones, OCDSMilestone{ID: strconv.FormatInt(m.ID, 10), Title: m.Title,
			Type: "delivery", Description: "节点金额 " + money.Yuan(m.AmountFen) + " 元", DueDate: dayStamp(m.DueOn), Status: "scheduled"})
	}
	r.Contracts = []Contract{contract}
	out = append(out, r)
	// Implementation: what was accepted and paid, as of the latest of them.
	last := ""
	impl := &Implementation{}
	for _, m := range f.milestones {
		om := OCDSMilestone{ID: strconv.FormatInt(m.ID, 10), Title: m.Title, Type: "delivery",
			Description: "节点金额 " + money.Yuan(m.AmountFen) + " 元", DueDate: dayStamp(m.DueOn), Status: "scheduled"}
		if m.AcceptedOn != "" {
			om.Status, om.DateMet = "met", dayStamp(m.AcceptedOn)
			last = max(last, m.AcceptedOn)
		}
		impl.Milestones = append(impl.Milestones, om)
	}
	for _, y := range f.payments {
		impl.Transactions = append(impl.Transactions, Transaction{ID: strconv.FormatInt(y.ID, 10), Date: dayStamp(y.PaidOn),
			Value: cny(y.AmountFen), Payer: f.community, Payee: supplier})
		last = max(last, y.PaidOn)
	}
	if p.CompletedOn != "" {
		last = max(last, p.CompletedOn)
	}
	if last == "" {
		return out
	}
	r = awarded("implementation", dayStamp(last))
	c := contract
	c.Milestones = nil
	c.Implementation = impl
	if p.Status == "completed" {
		c.Status = "terminated" // OCDS: the contract has ended, its obligations met
	}
	r.Contracts = []Contract{c}
	return append(out, r)
}

func ptr[T any](v T) *T { return &v }

// Compile is a record of a project's releases: its compiled release is the
// latest release with the tag "compiled".
func Compile(rs []Release) Record {
	c := rs[len(rs)-1]
	c.ID = c.OCID + "-compiled"
	c.Tag = []string{"compiled"}
	return Record{OCID: c.OCID, Releases: rs, CompiledRelease: c}
}

// Package is the release package of the communities' projects; uri is
// where it is served, publisher the unit asked for.
func (s *Service) Package(ctx context.Context, communities []int64, uri, publisher string) (ReleasePackage, error) {
	all, err := s.Releases(ctx, communities)
	pkg := ReleasePackage{URI: uri, Version: "1.1", PublishedDate: s.now().In(workdays.Shanghai).Format(time.RFC3339),
		Publisher: Publisher{Name: publisher}, Releases: []Release{}}
	for _, rs := range all {
		pkg.Releases = append(pkg.Releases, rs...)
	}
	return pkg, err
}

// Records is the record package of the communities' projects.
func (s *Service) Records(ctx context.Context, communities []int64, uri, publisher string) (RecordPackage, error) {
	all, err := s.Releases(ctx, communities)
	pkg := RecordPackage{URI: uri, Version: "1.1", PublishedDate: s.now().In(workdays.Shanghai).Format(time.RFC3339),
		Publisher: Publisher{Name: publisher}, Records: []Record{}}
	for _, rs := range all {
		pkg.Records = append(pkg.Records, Compile(rs))
	}
	return pkg, err
}
