package browser

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/database"
	"shequ/internal/testlog"
	"shequ/internal/testwait"
)

// TestSurveys answers the demo's open survey on a 375 px phone: a resident
// of 城北社区 verifies with the SMS code read from the outbox, opens the
// survey, is refused at the first question when it is left out, answers,
// is thanked, and is told on coming back that they have answered; the
// community's staff then see the response counted in the results, drawn as
// SVG bars — each page without sideways scrolling.
func TestSurveys(t *testing.T) {
	const pw = "Browser-test-2024"
	RunShequ(t, "demo", "--db", DBPath(t))
	ctx := context.Background()
	db, err := database.Open(ctx, DBPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var community, survey int64
	var responses int
	if err := db.QueryRowContext(ctx, `SELECT s.community_id, s.id, (SELECT COUNT(*) FROM survey_responses r
		WHERE r.community_id = s.community_id AND r.survey_id = s.id) FROM surveys s WHERE s.title = '社区文化活动需求调查'`).
		Scan(&community, &survey, &responses); err != nil {
		t.Fatalf("the demo's open survey: %v", err)
	}
	// An adult of the community with a phone, born in 1970s, in no hurry.
	var name, number, phone string
	if err := db.QueryRowContext(ctx, `SELECT name, id_number, phone FROM persons WHERE community_id = $1 AND status = 'active'
		AND phone <> '' AND birth_date BETWEEN '1970-01-01' AND '1979-12-31' AND LENGTH(id_number) = 18
		AND (SELECT COUNT(*) FROM persons o WHERE o.community_id = persons.community_id AND o.name = persons.name) = 1
		ORDER BY id LIMIT 1`, community).Scan(&name, &number, &phone); err != nil {
		t.Fatalf("a resident: %v", err)
	}
	testlog.Secret(t, name, number, phone)
	c := strconv.FormatInt(community, 10)
	RunShequ(t, "user", "add", "--temporary=false", "--db", DBPath(t), "--name", "shequ", "--display-name", "城北社区小陈",
		"--role", "community_staff", "--org", c, "--password", pw)
	base := StartServer(t)

	res := &volTab{t: t, ctx: ChromiumSize(t, 375, 812), width: 375}
	res.do("ask for a code",
		chromedp.Navigate(base+"/r/verify?c="+c),
		chromedp.WaitVisible(chromedp.CSS(`#f-name`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), name),
		chromedp.SendKeys(chromedp.CSS(`#f-id`), number[len(number)-6:]),
		chromedp.SendKeys(chromedp.CSS(`#f-phone`), phone),
		chromedp.Click(chromedp.CSS(`form[action="/r/verify"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-code`)))
	codeRe := regexp.MustCompile(`验证码为(\d{6})`)
	var code string
	testwait.Until(t, "the SMS code in the outbox", func() bool {
		var body string
		db.QueryRowContext(ctx, `SELECT body FROM notify_outbox WHERE recipient = $1 AND ref LIKE 'resident_code:%'
			ORDER BY created_at DESC LIMIT 1`, phone).Scan(&body)
		if m := codeRe.FindStringSubmatch(body); m != nil {
			code = m[1]
		}
		return code != ""
	})
	res.do("type the code",
		chromedp.SendKeys(chromedp.CSS(`#f-code`), code),
		chromedp.Click(chromedp.CSS(`form[action="/r/verify/code"] button[type="submit"]`)))
	res.waitText("header", "城北社区")

	path := "/r/surveys/" + c + "/" + strconv.FormatInt(survey, 10)
	res.do("open the surveys", chromedp.Navigate(base+"/r/surveys?c="+c), chromedp.WaitVisible(chromedp.CSS(`a[href="`+path+`"]`)))
	res.narrow("surveys")
	res.do("open the survey", chromedp.Click(chromedp.CSS(`a[href="`+path+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#q1`)))
	res.narrow("survey")
	// The first question left out: refused at it, the rest kept.
	res.do("answer all but the first",
		chromedp.Click(chromedp.CSS(`input[name="q2"][value="3"]`)),
		chromedp.Click(chromedp.CSS(`input[name="q3"][value="3"]`)),
		chromedp.Click(chromedp.CSS(`input[name="q4"][value="4"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="q5"]`), "希望周末多办亲子活动"),
		chromedp.Click(chromedp.CSS(`form[action$="/answer"] button[type="submit"]`)))
	res.waitText("#q1", "此题必答")
	res.narrow("refused")
	if checked := res.eval(`String(document.querySelector('input[name="q4"][value="4"]').checked)`); checked != "true" {
		t.Errorf("the refused form lost the rating")
	}
	Screenshot(t, res.ctx, "surveys-refused")
	res.do("answer the first",
		chromedp.Click(chromedp.CSS(`input[name="q1"][value="2"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/answer"] button[type="submit"]`)))
	res.waitText("main", "已提交,谢谢您的参与")
	res.do("come back", chromedp.Navigate(base+path))
	res.waitText("main", "已填写过本问卷")
	if strings.Contains(res.text("main"), "提交问卷") {
		t.Errorf("the form is offered again after answering")
	}

	desk := res.newContext(375, 812)
	desk.login(base, "shequ", pw)
	results := "/surveys/" + c + "/" + strconv.FormatInt(survey, 10) + "/results"
	desk.do("open the results", chromedp.Navigate(base+results), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
	desk.waitText("main", "答卷 "+strconv.Itoa(responses+1)+" 份")
	desk.waitText("main", "希望周末多办亲子活动")
	desk.narrow("results")
	Screenshot(t, desk.ctx, "surveys-results")
	if main := desk.text("main"); strings.Contains(main, name) {
		t.Errorf("an anonymous survey's results name the resident")
	}
}
