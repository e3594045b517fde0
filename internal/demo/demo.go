// Package demo builds the demo district of SPEC.md §4 on first start: a fictional district
// (临江区) modelled on the report, with its four leadership bodies, departments, 12 towns
// and streets, 300 villages and communities, exactly 2,831 grids with one patroller per
// village, the leaders and the industries they are in charge of, demo accounts for
// every role, all sharing one password, and a year of work: 3,000 enterprises with their
// risk points, 4,000 hazards, the enforcement steps and supervision visits, and each
// enterprise's color as the color rules make it of those facts.
//
// Build runs a list of steps in one transaction, so a failure leaves nothing behind, and
// marks the database with a meta row so later starts do nothing. Each step receives the
// builder, whose District describes everything created so far; later capabilities
// (enterprises, hazards, meetings …) add their own step in their own file and append it
// to steps. The content is pseudo-random from fixed seeds: every build is identical.
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Options configure the build.
type Options struct {
	Password string // shared by every demo user; generated when empty
	Clock    clock.Clock
	Log      *slog.Logger
}

// Result reports what Build did.
type Result struct {
	Built             bool // false when the demo already existed
	Password          string
	PasswordGenerated bool
	Took              time.Duration
	Grids, Users      int
	Towns, Villages   int
	Departments       int
	People            int
	Enterprises       int
	// District describes what was built (nil when Built is false).
	District *District
}

// MetaKey is the meta row that marks a database holding the demo district; its value is
// the build time.
const MetaKey = "demo_built"

// seed fixes the pseudo-random content; change it and the whole demo changes.
const seed = 20140401

// step is one part of the build, run in order inside the build's transaction.
type step struct {
	name string
	run  func(ctx context.Context, b *builder) error
}

// steps builds the district. The org tree comes first; every later step can rely on
// the nodes, people and grids of the steps before it. Enterprises come before the
// hazards found at them and the enforcement steps taken against them; the colors step
// runs the color rules over all of it last. Add new steps where what they need exists.
var steps = []step{
	{"org tree", buildTree},
	{"people", buildPeople},
	{"grids", buildGrids},
	{"users", buildUsers},
	{"enterprises", buildEnterprises},
	{"hazards", buildHazards},
	{"enforcement", buildEnforcement},
	{"colors", buildColors},
	{"duties", buildDuties},
	{"letters", buildLetters},
	{"meetings", buildMeetings}, // after the duties: each meeting proves their tasks
	{"tackling", buildTackling},
}

// builder carries the state of one build through its steps.
type builder struct {
	db   *db.DB
	tx   *db.Tx
	now  time.Time
	hash string // the demo password's hash, shared by every demo user
	log  *slog.Logger
	rng  *mrand.Rand // reseeded per step, so adding a step does not change the others
	d    *District

	names  map[string]bool // full names given so far, kept unique
	phones map[string]bool // phone numbers given so far, kept unique
}

// ErrNotEmpty is returned when the database already holds an organization tree that is
// not the demo's: the demo district needs an empty database.
var ErrNotEmpty = errors.New("the database already holds an organization tree; the demo district needs an empty database")

// Build creates the demo district once; later calls find it and return Built=false.
// It refuses (ErrNotEmpty) a database that already holds orgs of a real deployment.
func Build(ctx context.Context, d *db.DB, opts Options) (Result, error) {
	start := time.Now()
	if opts.Clock == nil {
		opts.Clock = clock.System{}
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// Fast path for every later start: no hashing, no write transaction.
	if built, err := isBuilt(ctx, d); err != nil || built {
		return Result{}, err
	}

	res := Result{Password: opts.Password}
	if res.Password == "" {
		pw, err := generatePassword()
		if err != nil {
			return Result{}, err
		}
		res.Password, res.PasswordGenerated = pw, true
	} else if key := auth.CheckPasswordRules(res.Password); key != "" {
		log.Warn("the demo password breaks the password rules; demo users keep it anyway", "rule", key)
	}
	hash, err := auth.HashPassword(res.Password)
	if err != nil {
		return Result{}, err
	}

	now := opts.Clock.Now()
	b := &builder{db: d, now: now, hash: hash, log: log, names: map[string]bool{}, phones: map[string]bool{}}
	err = d.Tx(ctx, func(tx *db.Tx) error {
		b.tx = tx
		// The marker goes in first: a concurrent build (two servers on one PostgreSQL)
		// waits on it and then finds the demo built.
		r, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
			MetaKey, now.UTC().Format(time.RFC3339))
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err // n == 0: another process built it meanwhile; b.d stays nil
		}
		var orgs int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&orgs); err != nil {
			return err
		}
		if orgs > 0 {
			return ErrNotEmpty
		}
		b.d = &District{}
		for _, s := range steps {
			t := time.Now()
			b.rng = mrand.New(mrand.NewPCG(seed, stepSeed(s.name)))
			if err := s.run(ctx, b); err != nil {
				return fmt.Errorf("demo step %q: %w", s.name, err)
			}
			log.Debug("demo step", "step", s.name, "took", time.Since(t))
		}
		al := &audit.Log{Clock: opts.Clock}
		return al.Record(ctx, tx, audit.Entry{Action: "demo.build", ObjectType: "org", ObjectID: b.d.ID.String(),
			ActorName: "system", Detail: map[string]any{
				"towns": len(b.d.Towns), "villages": len(b.d.Villages), "grids": len(b.d.Grids),
				"people": len(b.d.People), "users": len(b.d.Users), "enterprises": len(b.d.Enterprises)}})
	})
	if err != nil {
		return Result{}, err
	}
	if b.d == nil { // built concurrently by another process
		return Result{}, nil
	}
	res.Built = true
	res.District = b.d
	res.Grids, res.Users = len(b.d.Grids), len(b.d.Users)
	res.Towns, res.Villages = len(b.d.Towns), len(b.d.Villages)
	res.Departments, res.People = len(b.d.Departments), len(b.d.People)
	res.Enterprises = len(b.d.Enterprises)
	res.Took = time.Since(start)
	return res, nil
}

// isBuilt reports whether the demo marker is present.
func isBuilt(ctx context.Context, d *db.DB) (bool, error) {
	var v string
	err := d.QueryRow(ctx, `SELECT value FROM meta WHERE key = ?`, MetaKey).Scan(&v)
	if db.IsNoRows(err) {
		return false, nil
	}
	return err == nil, err
}

// stepSeed derives a step's stream of pseudo-random numbers from its name.
func stepSeed(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// passwordAlphabet leaves out look-alikes (0/o, 1/l/i) so a password read off a screen
// is typed right.
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// generatePassword returns a random password like "k7mp-x3fa-q9tw": 12 characters of
// letters and digits (about 59 bits), grouped for reading.
func generatePassword() (string, error) {
	for {
		var sb strings.Builder
		buf := make([]byte, 1)
		for n := 0; n < 12; {
			if _, err := rand.Read(buf); err != nil {
				return "", err
			}
			// Reject the top of the byte range so every character is equally likely.
			if int(buf[0]) >= 256/len(passwordAlphabet)*len(passwordAlphabet) {
				continue
			}
			if n > 0 && n%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(passwordAlphabet[int(buf[0])%len(passwordAlphabet)])
			n++
		}
		if pw := sb.String(); auth.CheckPasswordRules(pw) == "" {
			return pw, nil
		}
	}
}
