package apptest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

// Browser is a signed-in web session: an HTTP client with a cookie jar that does not
// follow redirects, so tests see the 303s the pages answer.
type Browser struct {
	e      *Env
	Client *http.Client
	// CSRF is the session's form token, read from the last page that carried one.
	CSRF string
}

// NewBrowser returns a session that is not signed in.
func (e *Env) NewBrowser() *Browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.T.Fatal(err)
	}
	return &Browser{e: e, Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// SignIn signs username in through the sign-in form and returns the session; the test
// fails unless the form answers a redirect.
func (e *Env) SignIn(username string) *Browser {
	e.T.Helper()
	b := e.NewBrowser()
	res := b.PostForm("/login", url.Values{"username": {username}, "password": {Password}}, false)
	if res.Status != http.StatusSeeOther {
		e.T.Fatalf("sign in %s through the form: %d %s", username, res.Status, res.Body)
	}
	b.Get("/") // reads the CSRF token
	return b
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Get requests path.
func (b *Browser) Get(path string, headers ...string) *Response {
	b.e.T.Helper()
	return b.do("GET", path, nil, headers...)
}

// PostForm posts form to path, adding the session's CSRF token when withCSRF.
func (b *Browser) PostForm(path string, form url.Values, withCSRF bool, headers ...string) *Response {
	b.e.T.Helper()
	if withCSRF {
		form = cloneValues(form)
		form.Set("csrf_token", b.CSRF)
	}
	return b.do("POST", path, strings.NewReader(form.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, headers...)...)
}

func (b *Browser) do(method, path string, body io.Reader, headers ...string) *Response {
	b.e.T.Helper()
	req, err := http.NewRequest(method, b.e.Server.URL+path, body)
	if err != nil {
		b.e.T.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.Client.Do(req)
	if err != nil {
		b.e.T.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.e.T.Fatal(err)
	}
	if m := csrfRE.FindSubmatch(data); m != nil {
		b.CSRF = string(m[1])
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
