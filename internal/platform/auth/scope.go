package auth

import (
	"strings"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// Scope is the part of the district a user may see, derived from the user's place in the
// organization tree. Every query of scoped records applies it through one of its methods,
// so a record outside the scope behaves exactly like a record that does not exist.
//
//   - Path is the materialized path of the user's territorial root: the nearest
//     district, town or village at or above the user's org node. A department or a
//     leadership body sits under the district, so its territory is the district.
//   - Industries, when non-nil, limits industry-bearing records (enterprises, hazards…)
//     to the industries the user's department supervises (行业监管).
//   - OwnOnly (an enterprise user) limits records to the user's enterprise when the
//     account is linked to one (EnterpriseID), otherwise to records the user owns or
//     reported, so an enterprise never sees its neighbours' records.
type Scope struct {
	Path string
	// Whole is set when Path is the root of the tree (a district-wide user): every record
	// lies inside, so PathCond is a constant truth and the planner is free to use the
	// index that serves the query's order instead of the path's.
	Whole bool
	// TownID is set when Path is a town's (a town user, or a unit under a town): a
	// capability whose rows carry their town may add `town_id = TownID`, which names the
	// same rows as PathCond and lets an index on (town_id, <order>) serve a page.
	TownID       *db.ID
	Industries   []string
	OwnOnly      bool
	UserID       db.ID
	EnterpriseID *db.ID
}

// RecordCond returns an SQL condition keeping, for an enterprise user, the rows of their
// enterprise (entCol) or, when the account has no enterprise, the rows they own or
// reported (userCols); "" for everyone else.
func (s Scope) RecordCond(entCol string, userCols ...string) (string, []any) {
	if !s.OwnOnly {
		return "", nil
	}
	if s.EnterpriseID != nil {
		if entCol == "" {
			return "1 = 0", nil
		}
		return entCol + " = ?", []any{*s.EnterpriseID}
	}
	return s.OwnCond(userCols...)
}

// OwnsRecord reports whether a record of enterprise ent, with these user ids, passes
// RecordCond.
func (s Scope) OwnsRecord(ent *db.ID, ids ...*db.ID) bool {
	if !s.OwnOnly {
		return true
	}
	if s.EnterpriseID != nil {
		return ent != nil && *ent == *s.EnterpriseID
	}
	return s.Owns(ids...)
}

// OwnCond returns an SQL condition keeping rows owned or reported by the user when the
// scope is OwnOnly, or "" otherwise. cols name the record's user columns.
func (s Scope) OwnCond(cols ...string) (string, []any) {
	if !s.OwnOnly {
		return "", nil
	}
	parts := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		parts[i] = c + " = ?"
		args[i] = s.UserID
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Owns reports whether a record with these user ids (owner, reporter…) passes OwnOnly.
func (s Scope) Owns(ids ...*db.ID) bool {
	if !s.OwnOnly {
		return true
	}
	for _, id := range ids {
		if id != nil && *id == s.UserID {
			return true
		}
	}
	return false
}

// Contains reports whether a record at path lies inside the scope's territory.
func (s Scope) Contains(path string) bool {
	return s.Path != "" && strings.HasPrefix(path, s.Path)
}

// AllowsIndustry reports whether a record of industry lies inside the scope.
func (s Scope) AllowsIndustry(industry string) bool {
	if s.Industries == nil {
		return true
	}
	for _, i := range s.Industries {
		if i == industry {
			return true
		}
	}
	return false
}

// PathCond returns an SQL condition keeping rows whose path column lies in the territory.
// It is an index range, not a LIKE, so it uses the path index on both engines.
func (s Scope) PathCond(col string) (string, []any) {
	if s.Path == "" {
		return "1 = 0", nil
	}
	if s.Whole {
		return "1 = 1", nil
	}
	lo, hi := db.PrefixRange(s.Path)
	return "(" + col + " >= ? AND " + col + " < ?)", []any{lo, hi}
}

// IndustryCond returns an SQL condition keeping rows whose industry column is in scope,
// or "" when the scope does not restrict industries.
func (s Scope) IndustryCond(col string) (string, []any) {
	if s.Industries == nil {
		return "", nil
	}
	if len(s.Industries) == 0 {
		return "1 = 0", nil
	}
	return db.In(col, s.Industries)
}
