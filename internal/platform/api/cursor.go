package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// Cursor is where a keyset page starts (?after=): the page holds the rows after this one
// in the order of Sort. It names the sort it was made for, so a cursor of another order is
// refused rather than read as if it were of this one.
type Cursor struct {
	Sort  string // the request's sort ("-found_at")
	Value any    // the last row's value of the sort column: nil, time.Time, string, int64, float64 or bool
	ID    db.ID  // the last row's id (the tiebreak)
}

// cursorKey makes a cursor tamper-evident: a client edits or forges one and gets a 400
// naming after, not a query comparing a column with a value of another type (an error on
// PostgreSQL). It is no secret: a cursor carries nothing the client may not see.
const cursorKey = "safeduty list cursor v1"

// cursorJSON is a cursor's wire form before base64: the value as text with its kind.
type cursorJSON struct {
	S string `json:"s"`
	K string `json:"k"` // n(ull), t(ime), s(tring), i(nt), f(loat), b(ool)
	V string `json:"v,omitempty"`
	I int64  `json:"i"`
}

// String encodes the cursor as opaque URL-safe text (the "next" of a page).
func (c Cursor) String() string {
	w := cursorJSON{S: c.Sort, I: int64(c.ID)}
	switch v := c.Value.(type) {
	case nil:
		w.K = "n"
	case time.Time:
		w.K, w.V = "t", v.UTC().Format(time.RFC3339Nano)
	case string:
		w.K, w.V = "s", v
	case []byte:
		w.K, w.V = "s", string(v)
	case int64:
		w.K, w.V = "i", strconv.FormatInt(v, 10)
	case float64:
		w.K, w.V = "f", strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		w.K, w.V = "b", strconv.FormatBool(v)
	default:
		panic("api: a sort column of unsupported type in a cursor")
	}
	b, _ := json.Marshal(w)
	return base64.RawURLEncoding.EncodeToString(append(cursorMAC(b), b...))
}

func cursorMAC(b []byte) []byte {
	h := sha256.Sum256(append([]byte(cursorKey), b...))
	return h[:8]
}

var errCursor = errors.New("api: not a cursor")

// ParseCursor decodes a cursor made by Cursor.String; anything else is an error.
func ParseCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 9 || !bytes.Equal(raw[:8], cursorMAC(raw[8:])) {
		return Cursor{}, errCursor
	}
	var w cursorJSON
	dec := json.NewDecoder(bytes.NewReader(raw[8:]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil || w.I <= 0 {
		return Cursor{}, errCursor
	}
	c := Cursor{Sort: w.S, ID: db.ID(w.I)}
	switch w.K {
	case "n":
		err = nil
	case "t":
		c.Value, err = time.Parse(time.RFC3339Nano, w.V)
	case "s":
		c.Value = w.V
	case "i":
		c.Value, err = strconv.ParseInt(w.V, 10, 64)
	case "f":
		c.Value, err = strconv.ParseFloat(w.V, 64)
	case "b":
		c.Value, err = strconv.ParseBool(w.V)
	default:
		err = errCursor
	}
	if err != nil {
		return Cursor{}, errCursor
	}
	return c, nil
}

// cond returns the condition of the rows after c in the order of col (descending when
// desc) then tiebreak, with its arguments. A nullable column's NULLs sort after every
// value (OrderBy says NULLS LAST ascending, NULLS FIRST descending, on both engines).
// The row-value comparison (col, id) > (?, ?) is a range an index on col serves.
func (c Cursor) cond(col, tiebreak string, desc, nullable bool) (string, []any) {
	op := " > "
	if desc {
		op = " < "
	}
	if col == tiebreak {
		return tiebreak + op + "?", []any{c.ID}
	}
	after := "(" + col + ", " + tiebreak + ")" + op + "(?, ?)"
	switch {
	case !nullable:
		return after, []any{c.Value, c.ID}
	case c.Value == nil && desc: // past the NULLs (first): the rest of them, then every value
		return "(" + col + " IS NOT NULL OR " + tiebreak + " < ?)", []any{c.ID}
	case c.Value == nil: // among the NULLs (last)
		return "(" + col + " IS NULL AND " + tiebreak + " > ?)", []any{c.ID}
	case desc: // the NULLs came first: only smaller values remain
		return after, []any{c.Value, c.ID}
	default: // larger values, then the NULLs
		return "(" + col + " IS NULL OR " + after + ")", []any{c.Value, c.ID}
	}
}
