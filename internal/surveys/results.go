package surveys

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"shequ/internal/database"
	"shequ/internal/sheets"
	"shequ/internal/workdays"
)

// Count is one option's count among a question's answers.
type Count struct {
	Label string
	N     int
	Share string // of the question's respondents, e.g. "42.5%"
	Per   int    // per mille, for the chart
}

// TextAnswer is a text answer; Name only for a named survey's staff.
type TextAnswer struct {
	Text, Name string
}

// QuestionResult is what a question's answers come to.
type QuestionResult struct {
	Question
	Answered int     // responses that answered it
	Counts   []Count // single, multiple, rating (1–5)
	Sum      int64   // rating, number
	Min, Max int64   // number
	Texts    []TextAnswer
}

// Average is the mean of a rating or number with two decimals, from exact
// integer sums.
func (q QuestionResult) Average() string {
	if q.Answered == 0 {
		return "—"
	}
	n := int64(q.Answered)
	v := (q.Sum*100*2 + n) / (2 * n) // rounded half up, for sums ≥ 0
	if q.Sum < 0 {
		v = (q.Sum*100*2 - n) / (2 * n)
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Result is a survey with what its answers come to.
type Result struct {
	Survey
	Names     bool // text answers and responses carry names
	Questions []QuestionResult
}

// Results counts a survey's answers. names (for staff who manage the
// community's surveys) adds respondents' names to a named survey's text
// answers; an anonymous survey has none to add.
func (s *Service) Results(ctx context.Context, community, id int64, names bool) (Result, error) {
	sv, err := s.Get(ctx, community, id)
	if err != nil {
		return Result{}, err
	}
	res := Result{Survey: sv, Names: names && !sv.Anonymous}
	at := map[int]int{}
	for i, q := range sv.Questions {
		at[q.Position] = i
		qr := QuestionResult{Question: q}
		switch q.Kind {
		case Single, Multiple:
			for _, o := range q.Options {
				qr.Counts = append(qr.Counts, Count{Label: o})
			}
		case Rating:
			for k := 1; k <= 5; k++ {
				qr.Counts = append(qr.Counts, Count{Label: strconv.Itoa(k) + "分"})
			}
		}
		res.Questions = append(res.Questions, qr)
	}
	// Counts per option, sums and extremes: one grouped query.
	rows, err := s.db.QueryContext(ctx, `SELECT position, choice, COALESCE(number, 0), COUNT(*) FROM survey_answers
		WHERE community_id = $1 AND survey_id = $2 AND text = '' GROUP BY position, choice, number`, community, id)
	if err != nil {
		return Result{}, err
	}
	first := map[int]bool{}
	for rows.Next() {
		var pos, choice, n int
		var num int64
		if err := rows.Scan(&pos, &choice, &num, &n); err != nil {
			rows.Close()
			return Result{}, err
		}
		i, ok := at[pos]
		if !ok {
			continue
		}
		qr := &res.Questions[i]
		switch qr.Kind {
		case Single, Multiple:
			if choice >= 1 && choice <= len(qr.Counts) {
				qr.Counts[choice-1].N += n
			}
		case Rating, Number:
			if qr.Kind == Rating && num >= 1 && num <= 5 {
				qr.Counts[num-1].N += n
			}
			qr.Sum += num * int64(n)
			if !first[pos] || num < qr.Min {
				qr.Min = num
			}
			if !first[pos] || num > qr.Max {
				qr.Max = num
			}
			first[pos] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Result{}, err
	}
	// How many responses answered each question (a multiple choice has
	// a row per option chosen).
	rows, err = s.db.QueryContext(ctx, `SELECT position, COUNT(DISTINCT response_id) FROM survey_answers
		WHERE community_id = $1 AND survey_id = $2 GROUP BY position`, community, id)
	if err != nil {
		return Result{}, err
	}
	for rows.Next() {
		var pos, n int
		if err := rows.Scan(&pos, &n); err != nil {
			rows.Close()
			return Result{}, err
		}
		if i, ok := at[pos]; ok {
			res.Questions[i].Answered = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Result{}, err
	}
	for i := range res.Questions {
		qr := &res.Questions[i]
		for k := range qr.Counts {
			c := &qr.Counts[k]
			c.Share = Share(c.N, qr.Answered)
			if qr.Answered > 0 {
				c.Per = c.N * 1000 / qr.Answered
			}
		}
	}
	// Text answers, newest last; names through the response's person,
	// which an anonymous survey's responses do not have.
	nameCol := "''"
	if res.Names {
		nameCol = "COALESCE(p.name, '')"
	}
	rows, err = s.db.QueryContext(ctx, `SELECT a.position, a.text, `+nameCol+` FROM survey_answers a
		JOIN survey_responses r ON r.community_id = a.community_id AND r.survey_id = a.survey_id AND r.id = a.response_id
		LEFT JOIN persons p ON p.community_id = r.community_id AND p.id = r.person_id
		WHERE a.community_id = $1 AND a.survey_id = $2 AND a.text <> '' ORDER BY a.position, r.submitted_at, a.response_id`,
		community, id)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var pos int
		var t TextAnswer
		if err := rows.Scan(&pos, &t.Text, &t.Name); err != nil {
			return Result{}, err
		}
		if i, ok := at[pos]; ok {
			res.Questions[i].Texts = append(res.Questions[i].Texts, t)
		}
	}
	return res, rows.Err()
}

// ResponseRow is one response of a named survey: who, when, and the
// answer to each question as text.
type ResponseRow struct {
	Name, Building, At string
	Answers            []string
}

// Responses lists a named survey's responses with their respondents, for
// the staff who manage it; an anonymous survey has no such list.
func (s *Service) Responses(ctx context.Context, res Result) ([]ResponseRow, error) {
	if res.Anonymous || !res.Names {
		return nil, nil
	}
	at := map[int]int{}
	for i, q := range res.Questions {
		at[q.Position] = i
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, COALESCE(p.name, ''), COALESCE(b.name, ''), r.submitted_at,
		COALESCE(a.position, 0), COALESCE(a.choice, 0), a.number, COALESCE(a.text, '')
		FROM survey_responses r
		LEFT JOIN persons p ON p.community_id = r.community_id AND p.id = r.person_id
		LEFT JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		LEFT JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		LEFT JOIN buildings b ON b.community_id = ho.community_id AND b.id = ho.building_id
		LEFT JOIN survey_answers a ON a.community_id = r.community_id AND a.survey_id = r.survey_id AND a.response_id = r.id
		WHERE r.community_id = $1 AND r.survey_id = $2 ORDER BY r.submitted_at, r.id, a.position, a.choice`,
		res.CommunityID, res.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ResponseRow
	last := ""
	for rows.Next() {
		var rid, name, building, when, text string
		var pos, choice int
		var num *int64
		if err := rows.Scan(&rid, &name, &building, &when, &pos, &choice, &num, &text); err != nil {
			return nil, err
		}
		if rid != last {
			last = rid
			if when != "" {
				when = database.ParseTime(when).In(workdays.Shanghai).Format("2006-01-02 15:04")
			}
			out = append(out, ResponseRow{Name: name, Building: building, At: when, Answers: make([]string, len(res.Questions))})
		}
		i, ok := at[pos]
		if !ok {
			continue
		}
		row, q := &out[len(out)-1], res.Questions[i]
		v := text
		switch {
		case choice >= 1 && choice <= len(q.Options):
			v = q.Options[choice-1]
		case num != nil:
			v = strconv.FormatInt(*num, 10)
		}
		if row.Answers[i] != "" {
			row.Answers[i] += ";"
		}
		row.Answers[i] += v
	}
	return out, rows.Err()
}

// WriteXLSX writes a survey's results as a workbook: the counts and
// averages, the text answers, and for a named survey's staff the
// responses one a row.
func WriteXLSX(w io.Writer, res Result, responses []ResponseRow) error {
	x, err := sheets.NewXLSX(w)
	if err != nil {
		return err
	}
	if err := x.Sheet("统计结果"); err != nil {
		return err
	}
	put := func(v ...string) {
		if err == nil {
			err = x.WriteRow(v)
		}
	}
	put("题号", "题目", "题型", "选项", "人数", "占比", "平均分/平均值")
	for _, q := range res.Questions {
		no := strconv.Itoa(q.Position)
		switch q.Kind {
		case Single, Multiple, Rating:
			for _, c := range q.Counts {
				put(no, q.Text, KindWords[q.Kind], c.Label, strconv.Itoa(c.N), c.Share, "")
			}
			if q.Kind == Rating {
				put(no, q.Text, KindWords[q.Kind], "合计", strconv.Itoa(q.Answered), "", q.Average())
			}
		case Number:
			put(no, q.Text, KindWords[q.Kind], fmt.Sprintf("最小 %d,最大 %d", q.Min, q.Max), strconv.Itoa(q.Answered), "", q.Average())
		case Text:
			put(no, q.Text, KindWords[q.Kind], "(见“文字回答”)", strconv.Itoa(q.Answered), "", "")
		}
	}
	put()
	put("答卷总数", strconv.Itoa(res.Responses))
	if res.Target >= 0 {
		put("调查范围", strconv.Itoa(res.Target))
	}
	if err != nil {
		return err
	}
	if err := x.Sheet("文字回答"); err != nil {
		return err
	}
	head := []string{"题号", "题目", "回答"}
	if res.Names {
		head = append(head, "答卷人")
	}
	put(head...)
	for _, q := range res.Questions {
		for _, t := range q.Texts {
			row := []string{strconv.Itoa(q.Position), q.Text, t.Text}
			if res.Names {
				row = append(row, t.Name)
			}
			put(row...)
		}
	}
	if err != nil {
		return err
	}
	if res.Names && !res.Anonymous {
		if err := x.Sheet("答卷"); err != nil {
			return err
		}
		head := []string{"答卷人", "楼栋", "提交时间"}
		for _, q := range res.Questions {
			head = append(head, strconv.Itoa(q.Position)+"."+q.Text)
		}
		put(head...)
		for _, r := range responses {
			put(append([]string{r.Name, r.Building, r.At}, r.Answers...)...)
		}
		if err != nil {
			return err
		}
	}
	return x.Close()
}
