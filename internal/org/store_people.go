package org

import (
	"context"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/privacy"
)

var personSorting = api.Sorting{
	Columns: map[string]string{
		"name": "pe.name", "org": "o.name", "created_at": "pe.created_at", "updated_at": "pe.updated_at",
		"rank": "(SELECT MIN(ps.rank) FROM posts ps WHERE ps.person_id = pe.id)",
	},
	Default:  "rank",
	Tiebreak: "pe.id",
}

// personSelect reads people with their posts and industries as text, so an export of any
// length is one query; JSON pages add structured posts with one more query per page.
func personSelect(e db.Engine) string {
	return `SELECT pe.id, pe.org_id, o.name, pe.name, pe.gender, pe.phone, pe.org_path, pe.created_at, pe.updated_at,
		COALESCE((SELECT ` + e.StringAgg("po.name || ' ' || ps.title", "；") + ` FROM posts ps JOIN orgs po ON po.id = ps.org_id WHERE ps.person_id = pe.id), ''),
		COALESCE((SELECT ` + e.StringAgg("ic.industry", ",") + ` FROM in_charge ic WHERE ic.person_id = pe.id), '')
		FROM people pe JOIN orgs o ON o.id = pe.org_id`
}

func scanPerson(s db.Scanner) (Person, error) {
	var p Person
	var inCharge string
	err := s.Scan(&p.ID, &p.OrgID, &p.OrgName, &p.Name, &p.Gender, &p.Phone, &p.Path, &p.CreatedAt, &p.UpdatedAt, &p.PostsText, &inCharge)
	p.InCharge = splitList(inCharge)
	p.Posts = []Post{}
	return p, err
}

func (m *Module) personWhere(ctx context.Context, sc auth.Scope, f PersonFilter) (db.Where, error) {
	var w db.Where
	w.AddCond(sc.PathCond("pe.org_path"))
	if f.OrgID != nil {
		w.Add("(pe.org_id = ? OR EXISTS (SELECT 1 FROM posts ps WHERE ps.person_id = pe.id AND ps.org_id = ?))", *f.OrgID, *f.OrgID)
	}
	if f.Under != nil {
		cond, args, err := subtreeCond(ctx, m.DB, sc, *f.Under, "pe.org_path")
		if err != nil {
			return w, err
		}
		w.Add(cond, args...)
	}
	if f.Industry != "" {
		w.Add("EXISTS (SELECT 1 FROM in_charge ic WHERE ic.person_id = pe.id AND ic.industry = ?)", f.Industry)
	}
	if f.Q != "" {
		pat := db.Contains(f.Q)
		w.Add(`(LOWER(pe.name) LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM posts ps WHERE ps.person_id = pe.id AND LOWER(ps.title) LIKE ? ESCAPE '\'))`, pat, pat)
	}
	return w, nil
}

// ListPeople calls each for the people in scope matching f, phones masked, and returns
// how many match (when lp is paged). Paged results carry structured posts.
func (m *Module) ListPeople(ctx context.Context, sc auth.Scope, f PersonFilter, lp api.ListParams, each func(Person) error) (int, error) {
	w, err := m.personWhere(ctx, sc, f)
	if err != nil {
		return 0, err
	}
	lq := api.ListQuery{Select: personSelect(m.DB.Engine()), Count: `FROM people pe`, Where: w, Sorting: personSorting}
	scan := func(s db.Scanner) (Person, error) {
		p, err := scanPerson(s)
		p.Phone = privacy.Phone(p.Phone)
		return p, err
	}
	if !lp.Paged() { // export: stream
		return api.QueryList(ctx, m.DB, lq, lp, scan, each)
	}
	var page []Person
	total, err := api.QueryList(ctx, m.DB, lq, lp, scan, func(p Person) error {
		page = append(page, p)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := m.attachPosts(ctx, m.DB, page); err != nil {
		return 0, err
	}
	for _, p := range page {
		if err := each(p); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// attachPosts loads the posts of people in one query.
func (m *Module) attachPosts(ctx context.Context, q db.Querier, people []Person) error {
	if len(people) == 0 {
		return nil
	}
	idx := map[db.ID]int{}
	args := make([]any, len(people))
	for i, p := range people {
		idx[p.ID] = i
		args[i] = p.ID
	}
	rows, err := q.Query(ctx, `SELECT ps.id, ps.person_id, ps.org_id, o.name, ps.title, ps.kind, ps.is_main_leader, ps.rank
		FROM posts ps JOIN orgs o ON o.id = ps.org_id WHERE ps.person_id IN (`+db.Placeholders(len(args))+`) ORDER BY ps.rank, ps.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var po Post
		var pid db.ID
		if err := rows.Scan(&po.ID, &pid, &po.OrgID, &po.OrgName, &po.Title, &po.Kind, &po.IsMainLeader, &po.Rank); err != nil {
			return err
		}
		i := idx[pid]
		people[i].Posts = append(people[i].Posts, po)
	}
	return rows.Err()
}

// GetPerson returns a person in scope with posts; the phone is masked unless reveal.
// Errors: NotFound.
func (m *Module) GetPerson(ctx context.Context, q db.Querier, sc auth.Scope, id db.ID, reveal bool) (Person, error) {
	p, err := scanPerson(q.QueryRow(ctx, personSelect(q.Engine())+` WHERE pe.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !sc.Contains(p.Path)) {
		return Person{}, apperr.NotFoundf("person")
	}
	if err != nil {
		return Person{}, err
	}
	if !reveal {
		p.Phone = privacy.Phone(p.Phone)
	}
	ps := []Person{p}
	if err := m.attachPosts(ctx, q, ps); err != nil {
		return Person{}, err
	}
	return ps[0], nil
}

// RevealContact returns a person with the full phone number and audits the reveal.
func (m *Module) RevealContact(ctx context.Context, actor *auth.Principal, id db.ID) (Person, error) {
	var p Person
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if p, err = m.GetPerson(ctx, tx, actor.Scope, id, true); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "person.reveal_contact", ObjectType: "person", ObjectID: id.String()})
	})
	return p, err
}

func (in *PersonInput) validate(creating bool) *apperr.Validation {
	v := &apperr.Validation{}
	if creating && in.OrgID == nil {
		v.Add("org_id", "validate.required", nil)
	}
	if creating || in.Name != nil {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			v.Add("name", "validate.required", nil)
		} else if len([]rune(*in.Name)) > 30 {
			v.Add("name", "validate.max_len", apperr.E{"max": 30})
		}
	}
	if in.Gender != nil && *in.Gender != "" && *in.Gender != "male" && *in.Gender != "female" {
		v.Add("gender", "validate.one_of", apperr.E{"values": "male, female"})
	}
	if in.Phone != nil && !validPhone(*in.Phone) {
		v.Add("phone", "validate.phone", nil)
	}
	if in.Posts != nil {
		for _, p := range *in.Posts {
			if strings.TrimSpace(p.Title) == "" {
				v.Add("posts", "org.post_title_required", nil)
				break
			}
			if !ValidPostKind(p.Kind) {
				v.Add("posts", "validate.one_of", apperr.E{"values": strings.Join(PostKinds, ", ")})
				break
			}
		}
	}
	return v
}

// CreatePerson adds a person in scope with posts and industries in charge.
// Errors: Invalid.
func (m *Module) CreatePerson(ctx context.Context, actor *auth.Principal, in PersonInput) (db.ID, error) {
	v := in.validate(true)
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var path string
		if in.OrgID != nil {
			o, err := m.GetOrg(ctx, tx, actor.Scope, *in.OrgID)
			if apperr.Is(err, apperr.NotFound) {
				v.Add("org_id", "validate.unknown_ref", nil)
			} else if err != nil {
				return err
			}
			path = o.Path
		}
		if err := m.checkPersonRefs(ctx, tx, actor.Scope, in, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := m.Clock.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO people (org_id, org_path, name, gender, phone, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, *in.OrgID, path, strings.TrimSpace(*in.Name), db.Text(in.Gender), db.Text(in.Phone), now, now).Scan(&id); err != nil {
			return err
		}
		if err := m.writePersonLinks(ctx, tx, id, in); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "person.create", ObjectType: "person", ObjectID: id.String(),
			Detail: map[string]any{"name": *in.Name, "org_id": in.OrgID.String()}})
	})
	return id, err
}

// UpdatePerson changes a person in scope; posts and industries, when given, replace
// the old ones. Errors: NotFound, Invalid.
func (m *Module) UpdatePerson(ctx context.Context, actor *auth.Principal, id db.ID, in PersonInput) error {
	v := in.validate(false)
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := m.GetPerson(ctx, tx, actor.Scope, id, false); err != nil {
			return err
		}
		set := db.NewSet("updated_at", m.Clock.Now())
		if in.OrgID != nil {
			o, err := m.GetOrg(ctx, tx, actor.Scope, *in.OrgID)
			if apperr.Is(err, apperr.NotFound) {
				v.Add("org_id", "validate.unknown_ref", nil)
			} else if err != nil {
				return err
			}
			set.Add("org_id", *in.OrgID)
			set.Also("org_path", o.Path)
			set.Changed["org_id"] = in.OrgID.String()
		}
		if err := m.checkPersonRefs(ctx, tx, actor.Scope, in, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		set.Text("name", in.Name)
		set.Text("gender", in.Gender)
		if set.Text("phone", in.Phone) {
			set.Changed["phone"] = privacy.Phone(*in.Phone)
		}
		q, args := set.Update("people", "id = ?", id)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		if err := m.writePersonLinks(ctx, tx, id, in); err != nil {
			return err
		}
		if in.Posts != nil {
			set.Changed["posts"] = len(*in.Posts)
		}
		if in.InCharge != nil {
			set.Changed["in_charge"] = *in.InCharge
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "person.update", ObjectType: "person", ObjectID: id.String(), Detail: set.Changed})
	})
}

func (m *Module) checkPersonRefs(ctx context.Context, tx *db.Tx, sc auth.Scope, in PersonInput, v *apperr.Validation) error {
	if in.Posts != nil {
		for _, p := range *in.Posts {
			o, err := m.GetOrg(ctx, tx, sc, p.OrgID)
			if apperr.Is(err, apperr.NotFound) {
				v.Add("posts", "validate.unknown_ref", nil)
				break
			}
			if err != nil {
				return err
			}
			if o.Kind != KindUnit && o.Kind != KindVillage {
				v.Add("posts", "org.post_needs_unit", nil)
				break
			}
		}
	}
	if in.InCharge != nil {
		return checkIndustries(ctx, tx, *in.InCharge, v)
	}
	return nil
}

func (m *Module) writePersonLinks(ctx context.Context, tx *db.Tx, id db.ID, in PersonInput) error {
	if in.Posts != nil {
		if _, err := tx.Exec(ctx, `DELETE FROM posts WHERE person_id = ?`, id); err != nil {
			return err
		}
		now := m.Clock.Now()
		for _, p := range *in.Posts {
			if _, err := tx.Exec(ctx, `INSERT INTO posts (person_id, org_id, title, kind, is_main_leader, rank, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				id, p.OrgID, strings.TrimSpace(p.Title), p.Kind, p.IsMainLeader, p.Rank, now); err != nil {
				return err
			}
		}
	}
	if in.InCharge != nil {
		if _, err := tx.Exec(ctx, `DELETE FROM in_charge WHERE person_id = ?`, id); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, c := range *in.InCharge {
			if seen[c] {
				continue
			}
			seen[c] = true
			if _, err := tx.Exec(ctx, `INSERT INTO in_charge (person_id, industry) VALUES (?, ?)`, id, c); err != nil {
				return err
			}
		}
	}
	return nil
}
