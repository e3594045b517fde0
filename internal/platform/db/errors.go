package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/safeduty/safeduty/internal/platform/apperr"
)

// constraint kinds a driver error can report.
type violation int

const (
	uniqueViolation violation = iota + 1
	foreignKeyViolation
	notNullViolation
	checkViolation
	appendOnlyViolation
)

// ConstraintError is the hidden cause of a constraint failure: which kind, and the
// constraint or columns the driver named.
type ConstraintError struct {
	kind   violation
	Target string // PostgreSQL constraint name, or SQLite "table.column"
	cause  error
}

func (e *ConstraintError) Error() string { return e.cause.Error() }
func (e *ConstraintError) Unwrap() error { return e.cause }

// IsUnique reports whether err is a unique-constraint failure.
func IsUnique(err error) bool { return kindOf(err) == uniqueViolation }

// IsForeignKey reports whether err is a foreign-key failure.
func IsForeignKey(err error) bool { return kindOf(err) == foreignKeyViolation }

// Taken returns the validation error "field is taken" (validate.taken, with the other
// problems v holds) when err is a unique-constraint failure, and err itself otherwise: a
// store writes `if err != nil { return db.Taken(err, v, "code") }` after an INSERT or
// UPDATE of a unique column.
func Taken(err error, v *apperr.Validation, field string) error {
	if !IsUnique(err) {
		return err
	}
	v.Add(field, "validate.taken", nil)
	return v.Err()
}

func kindOf(err error) violation {
	var c *ConstraintError
	if errors.As(err, &c) {
		return c.kind
	}
	return 0
}

// mapErr turns a driver error into an *apperr.Error with the right code; the driver error
// stays as the hidden cause. sql.ErrNoRows and context errors pass through unchanged.
func mapErr(engine Engine, err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var kind violation
	var target string
	switch engine {
	case SQLite:
		kind, target = sqliteViolation(err)
		if kind == 0 && sqliteBusy(err) {
			return apperr.Wrap(err, apperr.Unavailable, "error.busy")
		}
	case Postgres:
		kind, target = postgresViolation(err)
		if kind == 0 && postgresRetryable(err) {
			return apperr.Wrap(err, apperr.Unavailable, "error.busy")
		}
	}
	if kind == 0 {
		return err // unexpected: reported as internal, with no detail to the user
	}
	cause := &ConstraintError{kind: kind, Target: target, cause: err}
	switch kind {
	case uniqueViolation:
		return apperr.Wrap(cause, apperr.Conflict, "error.duplicate")
	case foreignKeyViolation:
		return apperr.Wrap(cause, apperr.Conflict, "error.reference")
	case appendOnlyViolation:
		return apperr.Wrap(cause, apperr.Forbidden, "error.append_only")
	default:
		return apperr.Wrap(cause, apperr.Invalid, "error.invalid")
	}
}

func sqliteViolation(err error) (violation, string) {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return 0, ""
	}
	target := se.Error()
	if i := strings.LastIndex(target, "failed: "); i >= 0 {
		target = target[i+len("failed: "):]
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return uniqueViolation, target
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return foreignKeyViolation, target
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return notNullViolation, target
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return checkViolation, target
	case sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		return appendOnlyViolation, target
	}
	return 0, ""
}

func sqliteBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	primary := se.Code() & 0xff
	return primary == sqlite3.SQLITE_BUSY || primary == sqlite3.SQLITE_LOCKED
}

func postgresViolation(err error) (violation, string) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return 0, ""
	}
	switch pe.Code {
	case "23505":
		return uniqueViolation, pe.ConstraintName
	case "23503":
		return foreignKeyViolation, pe.ConstraintName
	case "23502":
		return notNullViolation, pe.ColumnName
	case "23514":
		return checkViolation, pe.ConstraintName
	case "P0001":
		if strings.Contains(pe.Message, "append-only") {
			return appendOnlyViolation, pe.TableName
		}
	}
	return 0, ""
}

func postgresRetryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "55P03", "57P03": // serialization, deadlock, lock not available, cannot connect now
		return true
	}
	return false
}
