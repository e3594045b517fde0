package enterprise

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// routesRecords registers the API of what an enterprise's file keeps beside its facts:
// its accounts and its documents (一企一档).
func (m *Module) routesRecords(r *api.Registry) {
	// Accounts.
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/users", ID: "listEnterpriseAccounts", Tag: "enterprise",
		Summary: "An enterprise's accounts (enterprise.write or user.admin)", Object: "enterprise",
		Response: Account{}, List: true, Sorts: accountSorting.Fields(), Handler: api.ListUnderHandler("enterprise", accountSorting, accountExport, nil, m.listAccounts)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/users", ID: "createEnterpriseAccount", Tag: "enterprise",
		Summary: "Create an account bound to an enterprise (role enterprise, at its village, password changed at first sign-in; enterprise.write or user.admin)",
		Object:  "enterprise", Body: AccountInput{}, Response: Account{}, Status: http.StatusCreated, Handler: api.ActionHandler("enterprise", http.StatusCreated, m.createAccount)})

	// Documents.
	r.Add(api.Route{Method: "GET", Path: "/api/v1/enterprises/{id}/documents", ID: "listEnterpriseDocuments", Tag: "enterprise",
		Summary: "The documents of an enterprise's file (一企一档) with download URLs", Object: "enterprise", Params: DocumentFilter{},
		Response: Document{}, List: true, Sorts: documentSorting.Fields(), Handler: api.ListUnderHandler("enterprise", documentSorting, documentExport, nil, m.ListDocuments)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/enterprises/{id}/documents", ID: "addEnterpriseDocument", Tag: "enterprise",
		Summary: "Keep an uploaded file in an enterprise's file with a title and a kind (its own accounts, or enterprise.write)",
		Object:  "enterprise", Body: DocumentInput{}, Response: Document{}, Status: http.StatusCreated, Handler: api.ActionHandler("enterprise", http.StatusCreated, m.AddDocument)})
}

func (m *Module) listAccounts(ctx context.Context, p *auth.Principal, id db.ID, _ struct{}, lp api.ListParams, each func(Account) error) (int, error) {
	return m.ListAccounts(ctx, p, id, lp, each)
}

// createAccount creates an account of an enterprise and reads it back.
func (m *Module) createAccount(ctx context.Context, p *auth.Principal, id db.ID, in AccountInput) (Account, error) {
	uid, err := m.CreateAccount(ctx, p, id, in)
	if err != nil {
		return Account{}, err
	}
	return m.account(ctx, id, uid)
}
