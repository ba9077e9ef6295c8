package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

// LogSender is the default sender: it logs that a message would go out,
// naming it by id, key, channel and reference. Recipients and texts are
// personal data and are not logged.
type LogSender struct{ Log *slog.Logger }

// Send logs the message's identity, at debug level: a routine send is no
// news, and a server starting on a full outbox would bury what it says.
func (s LogSender) Send(ctx context.Context, m Message) error {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	log.Debug("notify: sent (log sender)", "id", m.ID, "key", m.Key, "channel", m.Channel, "ref", m.Ref,
		"chars", utf8.RuneCountInString(m.Body))
	return nil
}

// HTTPConfig describes an SMS gateway reached over HTTP.
//
// URL is a text/template producing the request URL. Its fields are
// URL-query-escaped already: {{.To}} (the phone number), {{.Body}} (the
// text), {{.Key}} (the idempotency key), {{.ID}}, {{.Ref}}; for example
//
//	https://sms.example.com/send?mobile={{.To}}&content={{.Body}}&id={{.Key}}
//
// Body, when set, is a text/template producing the request body, with the
// raw fields and the functions json (a JSON string literal), query (URL
// query escaping) and xml (XML text escaping); for example
//
//	{"phone": {{json .To}}, "text": {{json .Body}}, "requestId": {{json .Key}}}
//
// The method is GET without a body and POST with one unless Method says
// otherwise. Every request carries the header Idempotency-Key. Any 2xx
// answer is success; 408, 425, 429 and 5xx answers and network errors are
// retried; other answers are permanent failures.
type HTTPConfig struct {
	URL         string
	Body        string
	Method      string
	ContentType string            // default application/json when Body starts with { or [, else application/x-www-form-urlencoded
	Headers     map[string]string // e.g. Authorization
	Timeout     time.Duration     // per request, default 10 s
	Client      *http.Client
}

// HTTPSender sends messages to an HTTP SMS gateway.
type HTTPSender struct {
	cfg    HTTPConfig
	url    *template.Template
	body   *template.Template
	client *http.Client
}

var templateFuncs = template.FuncMap{
	"json": func(s any) (string, error) {
		b, err := json.Marshal(s)
		return string(b), err
	},
	"query": func(s string) string { return url.QueryEscape(s) },
	"xml": func(s string) (string, error) {
		var b strings.Builder
		err := xml.EscapeText(&b, []byte(s))
		return b.String(), err
	},
}

// NewHTTPSender checks the configuration and compiles its templates.
func NewHTTPSender(cfg HTTPConfig) (*HTTPSender, error) {
	if strings.TrimSpace(cfg.URL) == "" {
		return nil, errors.New("短信网关地址模板为空")
	}
	s := &HTTPSender{cfg: cfg, client: cfg.Client}
	var err error
	if s.url, err = template.New("url").Option("missingkey=error").Parse(cfg.URL); err != nil {
		return nil, fmt.Errorf("短信网关地址模板有误: %w", err)
	}
	if cfg.Body != "" {
		if s.body, err = template.New("body").Funcs(templateFuncs).Option("missingkey=error").Parse(cfg.Body); err != nil {
			return nil, fmt.Errorf("短信网关请求体模板有误: %w", err)
		}
	}
	if s.cfg.Method == "" {
		s.cfg.Method = http.MethodGet
		if s.body != nil {
			s.cfg.Method = http.MethodPost
		}
	}
	if s.cfg.ContentType == "" && s.body != nil {
		s.cfg.ContentType = "application/x-www-form-urlencoded"
		if t := strings.TrimSpace(cfg.Body); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			s.cfg.ContentType = "application/json"
		}
	}
	if s.cfg.Timeout <= 0 {
		s.cfg.Timeout = 10 * time.Second
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: s.cfg.Timeout}
	}
	// Check the templates against a sample now rather than at the first
	// message.
	if _, _, err := s.render(Message{ID: 1, Key: "k", To: "13800000000", Body: "测试", Ref: "r"}); err != nil {
		return nil, err
	}
	return s, nil
}

type templateData struct {
	To, Body, Key, Ref string
	ID                 int64
}

func (s *HTTPSender) render(m Message) (string, []byte, error) {
	q := url.QueryEscape
	var u bytes.Buffer
	if err := s.url.Execute(&u, templateData{To: q(m.To), Body: q(m.Body), Key: q(m.Key), Ref: q(m.Ref), ID: m.ID}); err != nil {
		return "", nil, errors.New("短信网关地址模板执行失败")
	}
	if _, err := url.ParseRequestURI(u.String()); err != nil {
		return "", nil, errors.New("短信网关地址模板生成的地址无效")
	}
	if s.body == nil {
		return u.String(), nil, nil
	}
	var b bytes.Buffer
	if err := s.body.Execute(&b, templateData{To: m.To, Body: m.Body, Key: m.Key, Ref: m.Ref, ID: m.ID}); err != nil {
		return "", nil, errors.New("短信网关请求体模板执行失败")
	}
	return u.String(), b.Bytes(), nil
}

// Send makes one request to the gateway. Its errors name the status or the
// kind of network failure, never the URL (which carries the number and the
// text).
func (s *HTTPSender) Send(ctx context.Context, m Message) error {
	u, body, err := s.render(m)
	if err != nil {
		return Permanent(err)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, s.cfg.Method, u, rd)
	if err != nil {
		return Permanent(errors.New("短信网关请求无法构造"))
	}
	if body != nil {
		req.Header.Set("Content-Type", s.cfg.ContentType)
	}
	for k, v := range s.cfg.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Idempotency-Key", m.Key)
	resp, err := s.client.Do(req)
	if err != nil {
		return errors.New("短信网关不可达: " + networkReason(err))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c == http.StatusRequestTimeout || c == http.StatusTooEarly || c == http.StatusTooManyRequests || c >= 500:
		return errors.New("短信网关暂时失败: HTTP " + strconv.Itoa(c))
	default:
		return Permanent(errors.New("短信网关拒绝: HTTP " + strconv.Itoa(c)))
	}
}

// networkReason names a transport failure without the URL that *url.Error
// would print.
func networkReason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "超时"
	case errors.Is(err, context.Canceled):
		return "已取消"
	case errors.As(err, &ne) && ne.Timeout():
		return "超时"
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Op + " " + oe.Err.Error()
	}
	return "网络错误"
}
