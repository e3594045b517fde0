package enterprise_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The import template's example row passes the product's own checks (issue 7: its credit
// code had "XX" for a check character and its grid was a sentence): whoever downloads
// it — a town, a department of one industry, the district — can import it unchanged and
// the row is accepted, made of a grid and an industry of their own scope; importing it
// again updates the same enterprise. Its address names the district, no other place.
func TestImportTemplate_ExampleRowIsAccepted(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, user := range []string{apptest.UserTown1, apptest.UserDept, apptest.UserAdmin, apptest.UserTown2} {
			tmpl := e.As(user, "GET", "/api/v1/enterprises/import/template", nil)
			if tmpl.Status != http.StatusOK {
				t.Fatalf("%s: template: %d %s", user, tmpl.Status, tmpl.Body)
			}
			f, err := excelize.OpenReader(bytes.NewReader(tmpl.Body))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows(f.GetSheetName(0))
			f.Close()
			if len(rows) != 2 {
				t.Fatalf("%s: template rows %v", user, rows)
			}
			example := strings.Join(rows[1], "|")
			if !strings.Contains(example, "测试区") || strings.Contains(example, "临江") {
				t.Errorf("%s: the example's address names another place: %s", user, example)
			}
			for round := 1; round <= 2; round++ {
				res := postFile(t, e, user, tmpl.Body)
				if res.Status != http.StatusOK {
					t.Fatalf("%s: import of the template: %d %s", user, res.Status, res.Body)
				}
				rep := res.Map(t)
				if rej := rep["rejected"].([]any); len(rej) != 0 || rep["rows"] != float64(1) || rep["created"].(float64)+rep["updated"].(float64) != 1 {
					t.Errorf("%s, import %d of the template unchanged: %s", user, round, res.Body)
				}
				if round == 2 && rep["updated"] != float64(1) {
					t.Errorf("%s: importing it again created another: %s", user, res.Body)
				}
			}
		}
	})
}
