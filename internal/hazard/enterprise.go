package hazard

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// A hazard found at an enterprise names it (enterprise_id): the enterprise's accounts
// may then own it, its color follows it (OnChange), and its file lists it. The reporter
// names it on the report form, the town when assigning, anyone who may correct a
// reported hazard with PATCH. The enterprise must lie in the caller's scope and in the
// hazard's village or community (the same org_path): then everyone who sees the hazard
// sees the enterprise, and the enterprise's accounts, which sit at its village, see
// the hazard they are to rectify.

// enterpriseAt checks that enterprise id may be where a hazard of the village at path
// was found, adding a field error to v when not. It returns the enterprise when it may.
func (m *Module) enterpriseAt(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID, path string, v *apperr.Validation) (*EnterpriseRef, error) {
	if m.Enterprises == nil {
		v.Add("enterprise_id", "hazard.enterprises_unavailable", nil)
		return nil, nil
	}
	ent, err := m.Enterprises.Enterprise(ctx, q, p.Scope, id)
	switch {
	case apperr.Is(err, apperr.NotFound):
		v.Add("enterprise_id", "validate.unknown_ref", nil)
		return nil, nil
	case err != nil:
		return nil, err
	case path != "" && ent.Path != path:
		v.Add("enterprise_id", "hazard.enterprise_elsewhere", nil)
		return nil, nil
	}
	return &ent, nil
}

// enterpriseChange is a change of a hazard's enterprise asked for by PATCH or assign.
type enterpriseChange struct {
	to    *db.ID // the new enterprise, nil for none
	name  string // its name
	clear bool   // the enterprise is removed
}

// checkEnterpriseChange validates setting (id) or removing (clear) the enterprise of h;
// ok is false when nothing changes.
func (m *Module) checkEnterpriseChange(ctx context.Context, tx *db.Tx, p *auth.Principal, h *Hazard, id *db.ID, clear bool,
	v *apperr.Validation) (c enterpriseChange, ok bool, err error) {
	switch {
	case id != nil:
		if h.EnterpriseID != nil && *h.EnterpriseID == *id {
			return c, false, nil
		}
		ent, err := m.enterpriseAt(ctx, tx, p, *id, h.Path, v)
		if err != nil || ent == nil {
			return c, false, err
		}
		return enterpriseChange{to: &ent.ID, name: ent.Name}, true, nil
	case clear && h.EnterpriseID != nil:
		if h.Place == "" {
			v.Add("enterprise_id", "hazard.enterprise_needs_place", nil)
			return c, false, nil
		}
		return enterpriseChange{clear: true}, true, nil
	}
	return c, false, nil
}

// apply adds the change to an UPDATE's set and the step's data: a risk point belongs to
// the enterprise, so it goes with it.
func (c enterpriseChange) apply(set *db.Set, data map[string]any) {
	set.Also("enterprise_id", c.to)
	set.Expr("risk_point_id = NULL")
	if c.to != nil {
		data["enterprise_id"] = c.to.String()
		data["enterprise"] = c.name
	} else {
		data["enterprise_id"] = ""
		data["enterprise"] = ""
	}
}

// recolor tells the enterprise capability about every enterprise a change touched (the
// one the hazard left and the one it joined).
func (m *Module) recolor(ctx context.Context, tx *db.Tx, ids ...*db.ID) error {
	seen := map[db.ID]bool{}
	for _, id := range ids {
		if id == nil || seen[*id] {
			continue
		}
		seen[*id] = true
		if err := m.changed(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// decodeWithNull decodes b into dst (a plain struct: unknown fields refused, as
// api.Decode does) and reports whether field was sent as an explicit null, the
// merge-patch way of removing a value.
func decodeWithNull(b []byte, dst any, field string) (bool, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return false, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return false, err
	}
	raw, ok := fields[field]
	return ok && string(bytes.TrimSpace(raw)) == "null", nil
}
