package api

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// The handlers of the routes every capability has, built from its service methods: read
// the record the path names, change it, create one under it. Each answers what its
// service returns as problem details, so a record outside the caller's scope is a 404
// like an id that does not exist.

// Reader reads one record by id in the caller's scope (NotFound outside it).
type Reader[T any] func(ctx context.Context, p *auth.Principal, id db.ID) (T, error)

// GetHandler answers the record the path's {id} names (200): object is its kind (a
// malformed id is that kind's 404) and get reads it in the caller's scope.
func GetHandler[T any](object string, get Reader[T]) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, "id", object)
		if err != nil {
			return err
		}
		v, err := get(r.Context(), auth.FromContext(r.Context()), id)
		if err != nil {
			return err
		}
		return JSON(w, http.StatusOK, v)
	}
}

// ChangeHandler decodes the body, applies it to the record the path's {id} names (object:
// its kind) with change, and answers the record as get reads it afterwards (200).
func ChangeHandler[In, T any](object string, change func(ctx context.Context, p *auth.Principal, id db.ID, in In) error,
	get Reader[T]) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, p, in, err := bodyFor[In](r, object)
		if err == nil {
			err = change(r.Context(), p, id, in)
		}
		return answer(w, r, http.StatusOK, id, err, get)
	}
}

// CreateHandler decodes the body and creates a record under the one the path's {id}
// names (object: the parent's kind) with create; it answers 201 with the new record as
// get reads it, and its address, location followed by its id, in the Location header.
func CreateHandler[In, T any](object string, create func(ctx context.Context, p *auth.Principal, parent db.ID, in In) (db.ID, error),
	get Reader[T], location string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		parent, p, in, err := bodyFor[In](r, object)
		var id db.ID
		if err == nil {
			id, err = create(r.Context(), p, parent, in)
		}
		return created(w, r, id, err, get, location)
	}
}

// NewHandler is CreateHandler for a record under no other (a path without {id}): it
// decodes the body, creates the record with create and answers as CreateHandler does.
func NewHandler[In, T any](create func(ctx context.Context, p *auth.Principal, in In) (db.ID, error),
	get Reader[T], location string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		var id db.ID
		err := Decode(r, &in)
		if err == nil {
			id, err = create(r.Context(), auth.FromContext(r.Context()), in)
		}
		return created(w, r, id, err, get, location)
	}
}

// created returns err, or answers 201 with the new record as get reads it and its
// address, location followed by its id, in the Location header.
func created[T any](w http.ResponseWriter, r *http.Request, id db.ID, err error, get Reader[T], location string) error {
	if err == nil {
		w.Header().Set("Location", location+id.String())
	}
	return answer(w, r, http.StatusCreated, id, err, get)
}

// RevealHandler answers the record the path's {id} names (object: its kind) as get
// reads it, its phone masked; with ?reveal=phone, a caller holding perm gets it as reveal
// reads it (unmasked, the look audited) and anyone else a 403. Existence comes first: a
// record out of scope is a 404 even for a refused reveal. The route documents the
// parameter in its Params with the permission it needs.
func RevealHandler[T any](object string, perm auth.Permission, get, reveal Reader[T]) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, "id", object)
		if err != nil {
			return err
		}
		var q struct {
			Reveal string `query:"reveal" enum:"phone"`
		}
		if err := DecodeQuery(r, &q, false); err != nil {
			return err
		}
		p := auth.FromContext(r.Context())
		v, err := get(r.Context(), p, id)
		if err == nil && q.Reveal == "phone" {
			if !p.Can(perm) {
				return apperr.Forbid()
			}
			v, err = reveal(r.Context(), p, id)
		}
		if err != nil {
			return err
		}
		return JSON(w, http.StatusOK, v)
	}
}

// ActionHandler decodes the body, applies it to the record the path's {id} names
// (object: its kind) with act, and answers status with what act returns: a step of a
// workflow, a thing added to a record.
func ActionHandler[In, T any](object string, status int, act func(ctx context.Context, p *auth.Principal, id db.ID, in In) (T, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, p, in, err := bodyFor[In](r, object)
		if err != nil {
			return err
		}
		v, err := act(r.Context(), p, id, in)
		if err != nil {
			return err
		}
		return JSON(w, status, v)
	}
}

// BodyHandler decodes the body, hands it to do and answers status with what do returns
// (a request naming no record in its path).
func BodyHandler[In, T any](status int, do func(ctx context.Context, p *auth.Principal, in In) (T, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := Decode(r, &in); err != nil {
			return err
		}
		v, err := do(r.Context(), auth.FromContext(r.Context()), in)
		if err != nil {
			return err
		}
		return JSON(w, status, v)
	}
}

// QueryHandler decodes the query string into Q (a report's parameters, not a list's),
// hands it to read and answers 200 with what read returns.
func QueryHandler[Q, T any](read func(ctx context.Context, p *auth.Principal, q Q) (T, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var q Q
		if err := DecodeQuery(r, &q, false); err != nil {
			return err
		}
		v, err := read(r.Context(), auth.FromContext(r.Context()), q)
		if err != nil {
			return err
		}
		return JSON(w, http.StatusOK, v)
	}
}

// bodyFor reads a request naming a record by the path's {id} (object: its kind): the id,
// the caller and the decoded body.
func bodyFor[In any](r *http.Request, object string) (db.ID, *auth.Principal, In, error) {
	var in In
	id, err := PathID(r, "id", object)
	if err == nil {
		err = Decode(r, &in)
	}
	return id, auth.FromContext(r.Context()), in, err
}

// answer returns err, or answers status with the record id as get reads it.
func answer[T any](w http.ResponseWriter, r *http.Request, status int, id db.ID, err error, get Reader[T]) error {
	if err != nil {
		return err
	}
	v, err := get(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		w.Header().Del("Location")
		return err
	}
	return JSON(w, status, v)
}
