package app_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// enumPrefixes are the message keys of the enums a record carries as codes (status,
// grade, source, color, scale, kind, role, result …): message prefix + code.
var enumPrefixes = []string{"hazard.status.", "hazard.grade.", "hazard.source.", "hazard.category.", "hazard.action.",
	"enterprise.color.", "enterprise.scale.", "enterprise.grade.", "enterprise.status.", "enterprise.enforcement.",
	"enterprise.outcome.", "enterprise.risk.grade.", "enterprise.document.kind.", "enterprise.measure.",
	"org.kind.", "org.category.", "role.", "admin.result.", "ent.visit_kind."}

// codeColumns are the columns meant to hold codes: identifiers people type, and the
// codes kept beside their names for integrators.
var codeColumns = map[string]bool{"行业代码": true, "Industry code": true, "操作代码": true, "Action code": true,
	"用户名": true, "Username": true, "编码": true, "Code": true}

var snakeCode = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// rawCodes maps every code a person must not read to what it is: the industries and the
// codes of every enum whose name differs from its code.
func rawCodes(t *testing.T, e *apptest.Env) map[string]string {
	t.Helper()
	codes := map[string]string{}
	for _, c := range dbtest.Strings(t, e.App.DB, `SELECT code FROM industries`) {
		codes[c] = "industry"
	}
	for _, k := range i18n.Default.Keys() {
		for _, p := range enumPrefixes {
			code, ok := strings.CutPrefix(k, p)
			if !ok || !snakeCode.MatchString(code) {
				continue
			}
			if i18n.Default.T(i18n.Zh, k, nil) != code && i18n.Default.T(i18n.En, k, nil) != code {
				codes[code] = strings.TrimSuffix(p, ".")
			}
		}
	}
	for _, must := range []string{"gas", "fire", "special_equipment", "hazardous_chemicals", "construction", "red", "major", "rectification_order"} {
		if codes[must] == "" {
			t.Fatalf("the list of raw codes lacks %q", must)
		}
	}
	return codes
}

// Every CSV/xlsx export speaks its reader's language: no cell outside a code column holds
// a raw industry or enum code (gas, fire, special_equipment, red, major …), in Chinese or
// in English. Every list route of the API is walked, so a new export is checked too.
func TestExports_SpeakTheReadersLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newDueFixture(t, e) // a hazard and a rectification order at town01's enterprise
		// More industries: a town-gas hazard, a special-equipment enterprise; an open major
		// hazard puts town01's enterprise on the joint-constraint list (red); a visit.
		for _, h := range []struct{ industry, grade string }{{"gas", "general"}, {"construction", "major"}} {
			body := map[string]any{"title": "燃气管道锈蚀", "description": "锈蚀", "category": "unsafe_condition",
				"industry": h.industry, "grade": h.grade, "grid_id": e.F.Grids[0][2].String(),
				"photos": []string{e.Upload(t, apptest.UserPatrol1)}}
			if h.grade == "major" {
				body["enterprise_id"] = f.enterprise
			} else {
				body["place"] = "东湖村燃气调压站"
			}
			if res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", body); res.Status != http.StatusCreated {
				t.Fatalf("report %s: %d %s", h.industry, res.Status, res.Body)
			}
		}
		name, code, ind, scale, grade := "东湖电梯维保有限公司", apptest.CreditCode("91330199MA2T0E100"), "special_equipment", "small", "level3"
		if res := e.As(apptest.UserAdmin, "POST", "/api/v1/enterprises", map[string]any{"name": name, "credit_code": code,
			"industry": ind, "grid_id": e.F.Grids[0][1].String(), "scale": scale, "standard_grade": grade}); res.Status != http.StatusCreated {
			t.Fatalf("enterprise: %d %s", res.Status, res.Body)
		}
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+f.enterprise+"/visits",
			map[string]any{"kind": "unannounced", "findings": 1}); res.Status != http.StatusCreated {
			t.Fatalf("visit: %d %s", res.Status, res.Body)
		}
		codes := rawCodes(t, e)
		// A word of the language may look like a code ("enterprise" is English too).
		words := map[string]map[string]bool{"zh": {}, "en": {}}
		for _, k := range i18n.Default.Keys() {
			words["zh"][i18n.Default.T(i18n.Zh, k, nil)] = true
			words["en"][i18n.Default.T(i18n.En, k, nil)] = true
		}
		for _, c := range []string{"gas", "fire", "special_equipment", "hazardous_chemicals", "construction", "red", "major"} {
			if words["zh"][c] || words["en"][c] {
				t.Fatalf("%q is a word of the catalog: the check would miss it", c)
			}
		}

		exports := 0
		for _, rt := range e.App.API.Routes() {
			if !rt.List || rt.Method != http.MethodGet {
				continue
			}
			path := rt.Path
			if rt.Object != "" {
				path = strings.ReplaceAll(path, "{id}", e.F.Samples[0][rt.Object])
			}
			for _, lang := range []string{"zh", "en"} {
				res := e.As(apptest.UserAdmin, "GET", path+"?format=csv&lang="+lang, nil)
				if res.Status != http.StatusOK {
					t.Errorf("%s (%s): %d %s", path, lang, res.Status, res.Body)
					continue
				}
				recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\ufeff")))).ReadAll()
				if err != nil || len(recs) == 0 {
					t.Errorf("%s (%s): %d records (%v)", path, lang, len(recs), err)
					continue
				}
				exports++
				head := recs[0]
				for _, rec := range recs[1:] {
					for i, cell := range rec {
						if kind := codes[cell]; kind != "" && !codeColumns[head[i]] && !words[lang][cell] {
							t.Errorf("%s (%s): column %q shows the raw %s code %q", path, lang, head[i], kind, cell)
						}
					}
				}
				if rt.Path == "/api/v1/constraints" {
					// The list for other agencies: the industry by name, and its code beside it.
					if len(recs) < 2 {
						t.Fatalf("constraints: no red enterprise listed")
					}
					row := map[string]string{}
					for i, h := range head {
						row[h] = recs[1][i]
					}
					wantName := map[string]string{"zh": "建设施工", "en": "Construction"}[lang]
					if row[map[string]string{"zh": "行业", "en": "Industry"}[lang]] != wantName ||
						row[map[string]string{"zh": "行业代码", "en": "Industry code"}[lang]] != "construction" {
						t.Errorf("constraints (%s): industry columns %v", lang, row)
					}
				}
			}
		}
		if exports < 20 {
			t.Errorf("only %d exports walked", exports)
		}
	})
}
