package registerweb

import (
	"bytes"
	"errors"
	"net/http"
	"sort"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/archive"
	"shequ/internal/audit"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/web"
)

// The household archive (户档案) and index cards (户档卡). The archive page
// gathers the register's members, house and tags with what every other
// capability contributes (the service hall's applications and
// certificates, events, visits …), each as the viewer may see it. Index
// cards carry no resident's name — they hang at the door — only the
// household number, address, grid, grid worker and a QR code to the
// resident portal; printing them is still an export of addresses, recorded
// in the audit log, and a batch is for those who may export.

// maxCardBatch bounds one batch: a grid (about 400 households) or a few;
// a whole community is printed grid by grid (or with shequ bench's path,
// which measures it) so that one request cannot hold hundreds of MB.
const maxCardBatch = 2000

func (h *handler) archiveRoutes(rt *web.Routes) {
	h.kit.Handle(rt, "GET /households/{id}/archive", access.Rule{Perm: access.RegisterRead, Object: "household", Audit: audit.View}, h.householdArchive)
	h.kit.Handle(rt, "GET /households/{id}/card.pdf", access.Rule{Perm: access.RegisterRead, Object: "household", Audit: audit.Export}, h.householdCard)
	h.kit.Handle(rt, "GET /services/cards", access.Rule{Perm: access.RegisterExport}, h.cardBatches)
	h.kit.Handle(rt, "GET /org/{id}/cards.pdf", access.Rule{Perm: access.RegisterExport, Object: "unit", Audit: audit.Export}, h.cardBatch)
}

// memberView is a member of the household with their tags, as the viewer
// may see them.
type memberView struct {
	register.Person
	Tags []register.Tag
}

type archiveData struct {
	H        register.Household
	F        access.Fields
	House    *register.House
	Grid     string
	Members  []memberView
	Sections []archive.Section
	Today    string
}

func (h *handler) householdArchive(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, _ := web.PathID(r)
	hh, err := h.Register.Household(ctx, rq.Read(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := archiveData{H: hh, F: rq.Read().Fields(hh.Place())}
	if h.Services != nil {
		d.Today = h.Services.Today()
	}
	ms, err := h.Register.Members(ctx, rq.Read(), hh)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	// The head first, then as the register lists them.
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].ID == hh.HeadID && ms[j].ID != hh.HeadID })
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		tags, err := h.Register.TagsOf(ctx, rq.Read(), m, d.Today)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.Members = append(d.Members, memberView{Person: m, Tags: tags})
		ids = append(ids, m.ID)
	}
	if hh.HouseID != 0 {
		house, err := h.Register.House(ctx, rq.Read(), hh.HouseID)
		if err == nil {
			d.House = &house
		} else if !errors.Is(err, register.ErrNotFound) {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	names, err := h.Org.Names(ctx, []int64{hh.GridID})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Grid = names[hh.GridID]
	if h.Archive != nil {
		d.Sections, err = h.Archive.Sections(ctx, rq.Viewer, archive.Household{CommunityID: hh.CommunityID, ID: hh.ID,
			Place: hh.Place(), Members: ids})
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	rq.Audit.Rows = len(ms)
	h.tmpl.Render(w, r, http.StatusOK, "services_archive", web.NewPage(rq, "户档案 "+hh.Number, "search", d))
}

// householdCard prints one household's index card (A6).
func (h *handler) householdCard(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	c, err := h.Services.HouseholdCard(r.Context(), rq.Read(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	var buf bytes.Buffer
	if err := h.Services.WriteCards(&buf, []services.Card{c}, services.CardsA6); err != nil {
		h.kit.PDFFail(w, r, rq, err)
		return
	}
	h.kit.SendPDF(w, r, rq, web.PDF{Route: "GET /households/{id}/card.pdf", Entity: "household", ID: id,
		Community: c.CommunityID, Rows: 1, Detail: "户档卡", Filename: "card-" + strconv.FormatInt(id, 10) + ".pdf", Body: buf.Bytes()})
}

// cardGrid is a grid whose cards may be printed in one batch.
type cardGrid struct {
	orgtree.Unit
	Community  string
	Households int
}

type cardBatchesData struct {
	Grids []cardGrid
	Max   int
}

// cardBatches lists the grids the viewer may print index cards for.
func (h *handler) cardBatches(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	scope := rq.Viewer.Scope(access.RegisterExport)
	loads, err := h.Register.GridLoads(ctx, scope)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	var ids []int64
	for id, l := range loads {
		if id != 0 && l.Households > 0 {
			ids = append(ids, id)
		}
	}
	d := cardBatchesData{Max: maxCardBatch}
	communities := map[int64]string{}
	for _, id := range ids {
		u, err := h.Org.Get(ctx, id)
		if errors.Is(err, orgtree.ErrNotFound) {
			continue
		} else if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		if _, ok := communities[u.CommunityID]; !ok {
			names, err := h.Org.Names(ctx, []int64{u.CommunityID})
			if err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			communities[u.CommunityID] = names[u.CommunityID]
		}
		d.Grids = append(d.Grids, cardGrid{Unit: u, Community: communities[u.CommunityID], Households: loads[id].Households})
	}
	sort.Slice(d.Grids, func(i, j int) bool {
		a, b := d.Grids[i], d.Grids[j]
		if a.Community != b.Community {
			return a.Community < b.Community
		}
		if a.Sort != b.Sort {
			return a.Sort < b.Sort
		}
		return a.ID < b.ID // the order they were set up in: 第2网格 before 第10网格
	})
	h.tmpl.Render(w, r, http.StatusOK, "services_cards", web.NewPage(rq, "户档卡打印", "services", d))
}

// cardBatch prints the index cards of a unit's households (a grid, a
// building): one per A6 page, or four to an A4 sheet with cut lines.
func (h *handler) cardBatch(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, _ := web.PathID(r)
	layout := r.URL.Query().Get("layout")
	if layout != services.CardsA6 {
		layout = services.CardsA4Sheet
	}
	scope := rq.Viewer.Scope(access.RegisterExport)
	n, err := h.Services.CountCards(ctx, scope, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if n > maxCardBatch {
		h.kit.ErrorMessage(w, r, rq, http.StatusUnprocessableEntity, "户数过多", "", "户数过多,请按网格分批打印",
			"所选范围有 "+strconv.Itoa(n)+" 户,一次最多打印 "+strconv.Itoa(maxCardBatch)+" 户。请在“户档卡打印”页按网格打印。")
		return
	}
	cards, err := h.Services.Cards(ctx, scope, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	var buf bytes.Buffer
	if err := h.Services.WriteCards(&buf, cards, layout); err != nil {
		h.kit.PDFFail(w, r, rq, err)
		return
	}
	h.kit.SendPDF(w, r, rq, web.PDF{Route: "GET /org/{id}/cards.pdf", Entity: "unit", ID: id, Community: rq.Place.Community,
		Rows: len(cards), Detail: "户档卡(" + layout + ")", Filename: "cards-" + strconv.FormatInt(id, 10) + "-" + layout + ".pdf",
		Body: buf.Bytes()})
}
