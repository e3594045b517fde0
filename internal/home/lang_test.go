package home_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The language switch returns to the page with its filters (and without a ?lang that
// would undo it).
func TestLangSwitch_KeepsTheFilters(t *testing.T) {
	e := apptest.New(t, "sqlite")
	b := e.SignIn(apptest.UserTown1)
	page := b.Get("/hazards?grade=major&status=reported&lang=zh")
	next := `name="next" value="/hazards?grade=major&amp;status=reported"`
	if !strings.Contains(string(page.Body), next) {
		t.Fatalf("the language switch does not carry the filters: want %s", next)
	}
	res := b.PostForm("/lang", url.Values{"to": {"en"}, "next": {"/hazards?grade=major&status=reported"}}, true)
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/hazards?grade=major&status=reported" {
		t.Fatalf("switch: %d to %q", res.Status, res.Header.Get("Location"))
	}
	apptest.WantPage(t, "list in English", b.Get(res.Header.Get("Location")), http.StatusOK,
		[]string{"Hazards", `<option value="major" selected>`}, []string{"隐患排查"})
}
