// Package account is signing in and out (the session API and the sign-in page), the
// signed-in user's own account (password, language) and the language switch.
package account

import (
	"embed"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

//go:embed messages/*.json
var messages embed.FS

//go:embed templates/*.html
var templates embed.FS

func init() { i18n.MustRegister(messages, "messages") }

// Module serves sign-in, sign-out and the user's own account.
type Module struct {
	Auth *auth.Service
	MW   *auth.Middleware
	Site *web.Site
}

// SessionRequest is the body of POST /api/v1/session.
type SessionRequest struct {
	Username string `json:"username" form:"username"`
	Password string `json:"password" form:"password"`
}

// signInForm checks the sign-in form before anything looks the user up: both fields
// given, and no longer than any account's (what a person can have typed).
func (in SessionRequest) signInForm() error {
	v := apperr.Validation{}
	v.Text("username", &in.Username, true, true, 64)
	v.Text("password", &in.Password, true, true, 1024)
	return v.Err()
}

// SessionResponse answers a successful sign-in (API.md).
type SessionResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      Me        `json:"user"`
}

// Me describes the signed-in user.
type Me struct {
	ID                 db.ID       `json:"id"`
	Username           string      `json:"username"`
	DisplayName        string      `json:"display_name"`
	Roles              []auth.Role `json:"roles"`
	OrgID              db.ID       `json:"org_id"`
	OrgName            string      `json:"org_name"`
	Lang               string      `json:"lang"`
	MustChangePassword bool        `json:"must_change_password"`
	Industries         []string    `json:"industries,omitempty" jsonschema:"description=set for department users: the industries their scope covers"`
}

// PasswordChange is the body of POST /api/v1/me/password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password" form:"current_password"`
	NewPassword     string `json:"new_password" form:"new_password"`
}

func meOf(p *auth.Principal) Me {
	return Me{ID: p.UserID, Username: p.Username, DisplayName: p.DisplayName, Roles: p.Roles, OrgID: p.OrgID,
		OrgName: p.OrgName, Lang: string(p.Lang), MustChangePassword: p.MustChangePassword, Industries: p.Scope.Industries}
}

// Routes registers the session and account API.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "POST", Path: "/api/v1/session", ID: "createSession", Tag: "session", Public: true,
		Summary: "Sign in: exchange a username and password for a bearer token",
		Body:    SessionRequest{}, Response: SessionResponse{}, Handler: m.apiLogin})
	r.Add(api.Route{Method: "DELETE", Path: "/api/v1/session", ID: "deleteSession", Tag: "session",
		Summary: "Sign out: end the bearer token of this request", Status: http.StatusNoContent, Handler: m.apiLogout})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/me", ID: "getMe", Tag: "session",
		Summary: "The signed-in user", Response: Me{}, Handler: m.apiMe})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/me/password", ID: "changeMyPassword", Tag: "session",
		Summary: "Change the signed-in user's password", Body: PasswordChange{}, Status: http.StatusNoContent, Handler: m.apiChangePassword})
}

func (m *Module) apiLogin(w http.ResponseWriter, r *http.Request) error {
	var in SessionRequest
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	res, err := m.Auth.Login(r.Context(), in.Username, in.Password, auth.KindAPI)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, SessionResponse{Token: res.Token, ExpiresAt: res.ExpiresAt, User: meOf(res.Principal)})
}

func (m *Module) apiLogout(w http.ResponseWriter, r *http.Request) error {
	token := auth.BearerToken(r)
	if token == "" {
		token = m.MW.SessionToken(r)
		m.MW.ClearSession(w)
	}
	if err := m.Auth.Logout(r.Context(), token); err != nil {
		return err
	}
	return api.NoContent(w)
}

func (m *Module) apiMe(w http.ResponseWriter, r *http.Request) error {
	return api.JSON(w, http.StatusOK, meOf(auth.FromContext(r.Context())))
}

func (m *Module) apiChangePassword(w http.ResponseWriter, r *http.Request) error {
	var in PasswordChange
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	if err := m.Auth.ChangePassword(r.Context(), auth.FromContext(r.Context()), in.CurrentPassword, in.NewPassword); err != nil {
		return err
	}
	return api.NoContent(w)
}

// Pages registers the sign-in page, sign-out, the account pages and the language switch.
func (m *Module) Pages(s *web.Site) {
	login := s.MustParse(templates, "templates/login.html")
	acct := s.MustParse(templates, "templates/account.html")
	pw := s.MustParse(templates, "templates/password.html")

	s.Handle(web.Page{Path: "/login", Public: true, Handler: func(w http.ResponseWriter, r *http.Request) error {
		if auth.FromContext(r.Context()) != nil {
			http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
			return nil
		}
		data := m.loginData(loginData{Next: safeNext(r.URL.Query().Get("next"))})
		if r.URL.Query().Get("expired") != "" {
			data.Notice = i18n.FromContext(r.Context()).T("auth.expired")
		}
		return s.Render(w, r, login, data)
	}})
	s.Handle(web.Page{Method: "POST", Path: "/login", Public: true, Handler: func(w http.ResponseWriter, r *http.Request) error {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20) // as much as any page form's url-encoded body
		f, err := web.PostedForm(r)                    // refuses text that is not text before anything looks it up
		if f == nil {
			f = web.NewForm(nil)
		}
		var in SessionRequest
		if err == nil {
			err = f.Decode(&in)
		}
		if err == nil {
			err = in.signInForm()
		}
		next := safeNext(f.Get("next"))
		var res *auth.LoginResult
		if err == nil {
			res, err = m.Auth.Login(r.Context(), in.Username, in.Password, auth.KindBrowser)
		}
		if err != nil {
			if !f.Refuse(r, err) {
				e := apperr.As(err)
				if e.Code != apperr.Unauthenticated && e.Code != apperr.Locked && e.Code != apperr.RateLimited {
					return err
				}
				f.Message, f.Status = i18n.FromContext(r.Context()).TArgs(e.Key, e.Args), apperr.Status(e.Code)
			}
			f.Values.Del("password")
			apperr.SetRetryAfter(w.Header(), err)
			return s.RenderStatus(w, r, f.Status, login, m.loginData(loginData{Next: next, Form: f}))
		}
		m.MW.SetSession(w, res.Token)
		lang := res.Principal.Lang
		// A language chosen on the sign-in page wins over the saved one, and is saved.
		if c, err := r.Cookie("lang"); err == nil && c.Value != "" && i18n.Parse(c.Value) != lang {
			lang = i18n.Parse(c.Value)
			if err := m.Auth.SetLang(r.Context(), res.Principal, lang); err != nil {
				return err
			}
		}
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		if res.Principal.MustChangePassword {
			next = "/account/password"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}})
	s.Handle(web.Page{Method: "POST", Path: "/logout", Handler: func(w http.ResponseWriter, r *http.Request) error {
		if _, err := web.PostedForm(r); err != nil {
			return err
		}
		if err := m.Auth.Logout(r.Context(), m.MW.SessionToken(r)); err != nil {
			return err
		}
		m.MW.ClearSession(w)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}})
	s.Handle(web.Page{Path: "/account", Handler: func(w http.ResponseWriter, r *http.Request) error {
		return s.Render(w, r, acct, nil)
	}})
	s.Handle(web.Page{Path: "/account/password", Handler: func(w http.ResponseWriter, r *http.Request) error {
		return s.Render(w, r, pw, passwordData{Form: web.NewForm(nil)})
	}})
	s.Handle(web.Page{Method: "POST", Path: "/account/password", Handler: func(w http.ResponseWriter, r *http.Request) error {
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in PasswordChange
		err = f.Decode(&in)
		if err == nil && in.NewPassword != f.Get("new_password_again") {
			v := apperr.Validation{}
			v.Add("new_password_again", "account.password_mismatch", nil)
			err = v.Err()
		}
		if err == nil {
			err = m.Auth.ChangePassword(r.Context(), auth.FromContext(r.Context()), in.CurrentPassword, in.NewPassword)
		}
		return f.Done(w, r, err, "flash.password_changed", "/account", func() error {
			return s.RenderStatus(w, r, f.Status, pw, passwordData{Form: f})
		})
	}})
	s.Handle(web.Page{Method: "POST", Path: "/lang", Public: true, Handler: func(w http.ResponseWriter, r *http.Request) error {
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		lang := i18n.Parse(f.Get("to")) // any other value is the default language
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		if p := auth.FromContext(r.Context()); p != nil {
			if err := m.Auth.SetLang(r.Context(), p, lang); err != nil {
				return err
			}
		}
		http.Redirect(w, r, safeNext(f.Get("next")), http.StatusSeeOther)
		return nil
	}})
}

type loginData struct {
	Next, Notice string
	Form         *web.Form // as typed (never the password), a refusal's message and errors
	// ClientLimit failed sign-ins from one address in ClientMinutes, then a wait: what
	// the page's foot tells the user (auth.Config).
	ClientLimit, ClientMinutes int
}

func (m *Module) loginData(d loginData) loginData {
	if d.Form == nil {
		d.Form = web.NewForm(nil)
	}
	limit, window := m.Auth.Cfg.ClientBudget()
	d.ClientLimit, d.ClientMinutes = limit, int(window/time.Minute)
	return d
}

type passwordData struct {
	Form *web.Form // never sent back: the fields are passwords
}

// safeNext keeps a post-sign-in redirect on this site: a local absolute path only.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
