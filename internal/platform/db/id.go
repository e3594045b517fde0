package db

import (
	"database/sql/driver"
	"fmt"
	"strconv"
)

// ID identifies a stored record. It is an integer in the database and an opaque string in
// the API (API.md: "Ids are opaque strings"), so clients never do arithmetic on it.
type ID int64

// String formats the id.
func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// MarshalText writes the id as a string.
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText reads an id written by MarshalText.
func (id *ID) UnmarshalText(b []byte) error {
	v, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// Value stores the id as an integer.
func (id ID) Value() (driver.Value, error) { return int64(id), nil }

// Scan reads an integer column.
func (id *ID) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*id = ID(v)
	case int32:
		*id = ID(v)
	case []byte:
		return id.UnmarshalText(v)
	case string:
		return id.UnmarshalText([]byte(v))
	default:
		return fmt.Errorf("db.ID: cannot scan %T", src)
	}
	return nil
}

// ParseID parses an id from a path or query parameter. Ids are positive.
func ParseID(s string) (ID, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("invalid id %q", s)
	}
	return ID(v), nil
}

// NullIfZero is id as the value of a nullable reference column: nil for the zero id
// (work the system principal does has no user or unit to name).
func NullIfZero(id ID) *ID {
	if id == 0 {
		return nil
	}
	return &id
}

// NullID scans a nullable id column into a *ID.
type NullID struct{ P **ID }

// Scan implements sql.Scanner.
func (n NullID) Scan(src any) error {
	if src == nil {
		*n.P = nil
		return nil
	}
	var id ID
	if err := id.Scan(src); err != nil {
		return err
	}
	*n.P = &id
	return nil
}
