package web

import (
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// RecordForm reads the form posted to a record's page (/…/{id}/…): the record's ID from
// the path (an unknown one is kind's not-found), the record as get returns it to the
// caller (refused before the form is read), then the posted form (PostedForm).
func RecordForm[T any](r *http.Request, kind string, get func(id db.ID) (T, error)) (db.ID, T, *Form, error) {
	id, rec, err := PathRecord(r, kind, get)
	if err != nil {
		return id, rec, nil, err
	}
	f, err := PostedForm(r)
	return id, rec, f, err
}

// PathRecord reads the record a page's path names (/…/{id}…): its ID (an unknown one is
// kind's not-found) and the record as get returns it to the caller.
func PathRecord[T any](r *http.Request, kind string, get func(id db.ID) (T, error)) (db.ID, T, error) {
	var rec T
	id, err := api.PathID(r, "id", kind)
	if err != nil {
		return id, rec, err
	}
	rec, err = get(id)
	return id, rec, err
}

// ID returns the record ID a field holds (a choice, a hidden field), or nil when it holds
// none or no ID.
func (f *Form) ID(name string) *db.ID {
	id, err := db.ParseID(f.Get(name))
	if err != nil {
		return nil
	}
	return &id
}
