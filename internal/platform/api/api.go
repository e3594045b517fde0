// Package api is SafeDuty's API kit: the route registry (which also produces the OpenAPI
// document), JSON bodies, RFC 9457 problem details in the caller's language, list paging,
// sorting and filtering, and streamed xlsx/csv exports.
package api

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/input"
)

// HandlerFunc is an API handler; a returned error is rendered as problem details.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// MaxJSONBody caps JSON request bodies.
const MaxJSONBody = 1 << 20

// JSON writes v with status.
func JSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// NoContent answers 204.
func NoContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Decode reads a JSON body into dst. Unknown fields, wrong types, values a field's type
// refuses (a date that does not exist), text that is not text (a NUL character, invalid
// UTF-8, which encoding/json would silently replace: see badText), bodies over
// MaxJSONBody and other media types are refused with errors that name the field.
func Decode(r *http.Request, dst any) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		return apperr.New(apperr.Unsupported, "error.want_json", nil)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxJSONBody))
	if err != nil {
		return jsonError(err)
	}
	if err := badText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) { // that one names its field already
			if ferr := failingField(body, dst); ferr != nil {
				return ferr
			}
		}
		return jsonError(err)
	}
	if dec.More() {
		return apperr.New(apperr.BadRequest, "error.bad_json", apperr.E{"reason": "trailing data"})
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		tooLarge *http.MaxBytesError
	)
	v := apperr.Validation{}
	switch {
	case input.IsTimeout(err):
		return input.TimeoutErr(err)
	case errors.As(err, &tooLarge):
		return apperr.New(apperr.TooLarge, "error.too_large", apperr.E{"max": fmt.Sprintf("%d KiB", tooLarge.Limit/1024)})
	case errors.As(err, &syntax):
		return &apperr.Error{Code: apperr.BadRequest, Key: "error.bad_json", Args: apperr.E{"reason": fmt.Sprintf("offset %d", syntax.Offset)}}
	case errors.As(err, &typeErr):
		v.Add(typeErr.Field, "validate.type", apperr.E{"type": typeErr.Type.String()})
		return badRequest(v)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &apperr.Error{Code: apperr.BadRequest, Key: "error.bad_json", Args: apperr.E{"reason": "empty or cut short"}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		v.Add(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "validate.unknown_field", nil)
		return badRequest(v)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return &apperr.Error{Code: apperr.BadRequest, Key: "error.bad_json", Args: apperr.E{"reason": "invalid value"}, Err: err}
}

// badRequest turns collected field errors into a 400 (malformed request) error.
func badRequest(v apperr.Validation) error {
	e := apperr.As(v.Err())
	e.Code, e.Key = apperr.BadRequest, "error.bad_request"
	return e
}

// Problem is an RFC 9457 problem details document.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Code     string         `json:"code"`
	Errors   []FieldProblem `json:"errors,omitempty"`
	// Extension members (attempts_left, unlocks_at, error_id …) are added at the top level.
	Extra map[string]any `json:"-"`
}

// FieldProblem is one field that broke one rule.
type FieldProblem struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// MarshalJSON flattens Extra into the document.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	b, err := json.Marshal(plain(p))
	if err != nil || len(p.Extra) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range p.Extra {
		if _, taken := m[k]; !taken {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// ProblemFor builds the problem document for err in the language of loc. Internal errors
// are logged with an error id that the document repeats, and nothing else is revealed.
func ProblemFor(loc i18n.Localizer, err error, instance string) Problem {
	e := apperr.As(err)
	if errors.Is(err, http.ErrAbortHandler) {
		panic(err)
	}
	status := apperr.Status(e.Code)
	p := Problem{
		Type:     "urn:safeduty:problem:" + string(e.Code),
		Title:    loc.T("problem." + string(e.Code)),
		Status:   status,
		Code:     string(e.Code),
		Instance: instance,
		Extra:    e.Extra,
	}
	if e.Code == apperr.Internal {
		id := errorID()
		slog.Error("internal error", "error_id", id, "instance", instance, "err", err)
		p.Detail = loc.T("error.internal")
		p.Extra = map[string]any{"error_id": id}
		return p
	}
	if e.Code == apperr.Unavailable {
		slog.Warn("unavailable", "instance", instance, "err", err)
	}
	p.Detail = loc.TArgs(e.Key, e.Args)
	for _, f := range e.Fields {
		p.Errors = append(p.Errors, FieldProblem{
			Field:   f.Field,
			Rule:    f.Key[strings.LastIndex(f.Key, ".")+1:],
			Message: loc.TArgs(f.Key, f.Args),
		})
	}
	if len(p.Errors) > 0 {
		parts := make([]string, 0, len(p.Errors))
		for _, fp := range p.Errors {
			parts = append(parts, fp.Field+": "+fp.Message)
		}
		p.Detail = loc.T("error.invalid_fields", "n", len(p.Errors)) + " " + strings.Join(parts, "; ")
	}
	return p
}

// WriteError renders err as problem+json in the request's language.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemFor(i18n.FromContext(r.Context()), err, r.URL.Path)
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="safeduty"`)
	}
	if p.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "2")
	}
	apperr.SetRetryAfter(w.Header(), err)
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func errorID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func apperrLog(r *http.Request, err error) {
	slog.Error("request failed after the response began", "path", r.URL.Path, "err", err)
}
