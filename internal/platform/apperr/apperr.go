// Package apperr defines SafeDuty's one application error type.
//
// Every error a user can see is an *Error: a Code that decides the HTTP status, a message
// key from the i18n catalog (so the text is rendered in the user's language), and optional
// per-field errors for validation failures. Anything else (driver errors, I/O errors, bugs)
// is reported to users as an internal error with no detail; the cause is only logged.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Code classifies an application error.
type Code string

// Error codes. Each maps to exactly one HTTP status in Status.
const (
	BadRequest       Code = "bad_request"        // the request is malformed: bad JSON, wrong types (400)
	Invalid          Code = "invalid"            // well-formed input breaks a rule (422)
	Unauthenticated  Code = "unauthenticated"    // no valid session or token (401)
	Forbidden        Code = "forbidden"          // signed in, but the role may not do this (403)
	NotFound         Code = "not_found"          // absent or outside the caller's scope (404)
	Conflict         Code = "conflict"           // clashes with the current state (409)
	Locked           Code = "locked"             // account locked after repeated failures (423)
	TooLarge         Code = "too_large"          // request body over the limit (413)
	Unsupported      Code = "unsupported"        // media type not accepted (415)
	Unavailable      Code = "unavailable"        // the database is busy or down; retry (503)
	Internal         Code = "internal"           // a bug or an unexpected failure (500)
	RateLimited      Code = "rate_limited"       // too many requests (429)
	MethodNotAllowed Code = "method_not_allowed" // wrong HTTP method for the path (405)
)

var statusByCode = map[Code]int{
	BadRequest:       http.StatusBadRequest,
	Invalid:          http.StatusUnprocessableEntity,
	Unauthenticated:  http.StatusUnauthorized,
	Forbidden:        http.StatusForbidden,
	NotFound:         http.StatusNotFound,
	Conflict:         http.StatusConflict,
	Locked:           http.StatusLocked,
	TooLarge:         http.StatusRequestEntityTooLarge,
	Unsupported:      http.StatusUnsupportedMediaType,
	Unavailable:      http.StatusServiceUnavailable,
	Internal:         http.StatusInternalServerError,
	RateLimited:      http.StatusTooManyRequests,
	MethodNotAllowed: http.StatusMethodNotAllowed,
}

// Status is the HTTP status for a code.
func Status(c Code) int {
	if s, ok := statusByCode[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// SetRetryAfter sets the Retry-After header (whole seconds, rounded up, at least 1) when
// err carries a RetryAfter; the API's problem documents and the pages both use it.
func SetRetryAfter(h http.Header, err error) {
	var e *Error
	if !errors.As(err, &e) || e.RetryAfter <= 0 {
		return
	}
	secs := int64((e.RetryAfter + time.Second - 1) / time.Second)
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
}

// Error is an error a user may see. Key and Args name a catalog message; Fields carry
// per-field validation failures; Err is the hidden cause, logged but never shown.
type Error struct {
	Code   Code
	Key    string         // message key, e.g. "error.not_found"
	Args   map[string]any // values for the message's placeholders
	Fields []FieldError
	Extra  map[string]any // machine-readable members added to the problem document
	// RetryAfter, when positive, is how long the client should wait before trying again
	// (a lock, a throttle); SetRetryAfter turns it into the Retry-After header.
	RetryAfter time.Duration
	Err        error
}

// FieldError is one rule one field broke. Field is the API field name (snake_case).
type FieldError struct {
	Field string
	Key   string // message key, e.g. "validate.required"
	Args  map[string]any
}

func (e *Error) Error() string {
	msg := string(e.Code) + ": " + e.Key
	for _, f := range e.Fields {
		msg += fmt.Sprintf(" [%s %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a message key.
func New(code Code, key string, args map[string]any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Wrap returns an error with a code and message key that keeps err as its hidden cause.
func Wrap(err error, code Code, key string) *Error {
	return &Error{Code: code, Key: key, Err: err}
}

// E is shorthand for an argument map.
type E = map[string]any

// Convenience constructors for the common codes.

// NotFoundf reports an object that does not exist or is outside the caller's scope;
// what is an object kind ("grid") named by the message "object.grid".
func NotFoundf(what string) *Error {
	return &Error{Code: NotFound, Key: "error.not_found", Args: E{"what": i18n.Key("object." + what)}}
}

// Forbid reports a role that may not do an action.
func Forbid() *Error { return &Error{Code: Forbidden, Key: "error.forbidden"} }

// Conflictf reports a clash with the current state, with a message key and args.
func Conflictf(key string, args E) *Error { return &Error{Code: Conflict, Key: key, Args: args} }

// Validation collects field errors; its Err method returns nil when there are none.
type Validation struct {
	Fields []FieldError
}

// Add records that field broke rule key.
func (v *Validation) Add(field, key string, args E) {
	v.Fields = append(v.Fields, FieldError{Field: field, Key: key, Args: args})
}

// Text checks an optional text field of an input that creates (creating) or changes a
// record: a required one must be given when creating and may never be blank; a given one
// is at most max characters once trimmed. A nil s leaves a change's field as it is.
func (v *Validation) Text(field string, s *string, creating, required bool, max int) {
	switch {
	case s == nil && creating && required, s != nil && required && strings.TrimSpace(*s) == "":
		v.Add(field, "validate.required", nil)
	case s != nil && len([]rune(strings.TrimSpace(*s))) > max:
		v.Add(field, "validate.max_len", E{"max": max})
	}
}

// Has reports whether field already has an error.
func (v *Validation) Has(field string) bool {
	for _, f := range v.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns the collected errors as an Invalid *Error, or nil.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "error.invalid", Fields: v.Fields}
}

// RenameFields reports the field errors of a callee under the caller's names (rename
// gives each field's new name): an error without field errors passes on unchanged.
func RenameFields(err error, rename func(field string) string) error {
	var ae *Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return err
	}
	v := Validation{}
	for _, fe := range ae.Fields {
		fe.Field = rename(fe.Field)
		v.Fields = append(v.Fields, fe)
	}
	return v.Err()
}

// CodeOf returns the code of err: the code of the first *Error in its chain, else Internal.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error in err's chain, or an Internal error wrapping err.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Key: "error.internal", Err: err}
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }
