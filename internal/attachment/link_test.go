package attachment_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/attachment"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

func (e *env) orgPath(id db.ID) string {
	e.T.Helper()
	var p string
	if err := e.App.DB.QueryRow(context.Background(), `SELECT path FROM orgs WHERE id = ?`, id).Scan(&p); err != nil {
		e.T.Fatal(err)
	}
	return p
}

func (e *env) link(user string, ids []db.ID, path string, industry *string) ([]attachment.Attachment, error) {
	var out []attachment.Attachment
	err := e.App.DB.Tx(context.Background(), func(tx *db.Tx) error {
		var err error
		out, err = attachment.Link(context.Background(), tx, e.Principal(user), ids, path, industry)
		return err
	})
	return out, err
}

func (e *env) uploadPNG(user string) db.ID {
	e.T.Helper()
	res := e.upload(user, "p.png", "image/png", bytes.NewReader(attachment.SamplePNG(4, 4)))
	if res.Status != http.StatusCreated {
		e.T.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var m meta
	res.JSON(e.T, &m)
	id, _ := db.ParseID(m.ID)
	return id
}

func fieldRule(err error) string {
	e := apperr.As(err)
	if e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "attachments" {
		return "unexpected: " + err.Error()
	}
	return e.Fields[0].Key[strings.LastIndex(e.Fields[0].Key, ".")+1:]
}

// Linking moves an attachment into the scope of the record that claims it.
func TestLink(t *testing.T) {
	apptest.Each(t, func(t *testing.T, ae *apptest.Env) {
		e := newEnv(t, ae)
		village := e.orgPath(e.F.Villages[0][0])
		construction, fire := "construction", "fire"
		a1, a2 := e.uploadPNG(apptest.UserTown1), e.uploadPNG(apptest.UserTown1)
		other := e.uploadPNG(apptest.UserTown2)
		sees := func(user string, id db.ID) bool {
			return e.As(user, "GET", "/api/v1/attachments/"+id.String(), nil).Status == http.StatusOK
		}
		// Unlinked, an upload is its uploader's alone: nobody else can see or claim it.
		if sees(apptest.UserVillage, a1) || sees(apptest.UserDept, a1) || sees(apptest.UserAdmin, a1) || !sees(apptest.UserTown1, a1) {
			t.Fatal("an unlinked upload is visible to someone other than its uploader, or hidden from the uploader")
		}

		got, err := e.link(apptest.UserTown1, []db.ID{a2, a1, a2}, village, &construction)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != a2 || got[1].ID != a1 || got[0].OrgPath != village || *got[0].Industry != construction {
			t.Errorf("Link returned %+v", got)
		}
		for _, tc := range []struct {
			user string
			want bool
		}{
			{apptest.UserTown1, true},    // uploader, and the town contains the village
			{apptest.UserVillage, true},  // the record's village
			{apptest.UserDept, true},     // a department supervising construction
			{apptest.UserTown2, false},   // the sibling town
			{apptest.UserPatrol2, false}, // a village of the sibling town
		} {
			if sees(tc.user, a1) != tc.want {
				t.Errorf("%s sees the linked attachment: %v, want %v", tc.user, !tc.want, tc.want)
			}
		}

		// Linking again to the same place is allowed; to another place it is not.
		if _, err := e.link(apptest.UserTown1, []db.ID{a1}, village, &construction); err != nil {
			t.Errorf("relinking to the same record's place: %v", err)
		}
		town := e.orgPath(e.F.Towns[0])
		if _, err := e.link(apptest.UserTown1, []db.ID{a1}, town, &construction); fieldRule(err) != "already_linked" {
			t.Errorf("moving a linked attachment: %v", err)
		}
		if _, err := e.link(apptest.UserTown1, []db.ID{a1}, village, &fire); fieldRule(err) != "already_linked" {
			t.Errorf("changing a linked attachment's industry: %v", err)
		}
		// Another town's upload, or an id that does not exist, is unknown to the actor, and
		// the whole call fails: nothing is linked.
		fresh := e.uploadPNG(apptest.UserTown1)
		for _, ids := range [][]db.ID{{fresh, other}, {fresh, 987654321}} {
			_, err := e.link(apptest.UserTown1, ids, village, nil)
			if fieldRule(err) != "unknown" || !strings.Contains(apperr.As(err).Fields[0].Args["ids"].(string), ids[1].String()) {
				t.Errorf("linking %v: %v", ids, err)
			}
		}
		if sees(apptest.UserVillage, fresh) {
			t.Error("a failed Link linked part of its ids")
		}
		// Nobody but the uploader may claim an unlinked upload, not even the district;
		// linked with an industry the department does not supervise, it is hidden from it.
		if _, err := e.link(apptest.UserAdmin, []db.ID{fresh}, village, &fire); fieldRule(err) != "unknown" {
			t.Errorf("the district claims a town's unlinked upload: %v", err)
		}
		if _, err := e.link(apptest.UserTown1, []db.ID{fresh}, village, &fire); err != nil {
			t.Fatal(err)
		}
		if sees(apptest.UserDept, fresh) || !sees(apptest.UserVillage, fresh) || !sees(apptest.UserTown1, fresh) {
			t.Error("industry scope of a linked attachment is wrong")
		}
		if got, err := e.link(apptest.UserTown1, nil, village, nil); err != nil || got != nil {
			t.Errorf("linking nothing: %v, %v", got, err)
		}
		many := make([]db.ID, attachment.MaxLink+1)
		for i := range many {
			many[i] = db.ID(i + 1)
		}
		if _, err := e.link(apptest.UserAdmin, many, village, nil); fieldRule(err) != "too_many" {
			t.Errorf("linking %d: %v", len(many), err)
		}

		found, err := attachment.ByIDs(context.Background(), e.App.DB, []db.ID{a1, other, 987654321})
		if err != nil || len(found) != 2 || found[other].ID != other || found[a1].URL == "" {
			t.Errorf("ByIDs = %v, %v", found, err)
		}
	})
}

// When the row cannot be written after the bytes were stored, the bytes go too.
func TestCreate_FailedTransactionRemovesTheFile(t *testing.T) {
	apptest.Each(t, func(t *testing.T, ae *apptest.Env) {
		e := newEnv(t, ae)
		rows := e.rows()
		ghost := &auth.Principal{UserID: 987654321, Username: "ghost", Scope: auth.Scope{Path: "/"}}
		_, err := e.App.Attachments.Create(context.Background(), ghost, "x.pdf", strings.NewReader(attachment.SamplePDF))
		if err == nil {
			t.Fatal("an upload by a user who does not exist was stored")
		}
		if e.rows() != rows || e.stored() != 0 {
			t.Errorf("rows %d → %d, %d files left", rows, e.rows(), e.stored())
		}
	})
}
