package db_test

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

var update = flag.Bool("update", false, "rewrite the schema golden files")

// schemaQueries list, per engine, what a migrated database holds: tables, columns with
// their types, defaults and collations, constraints, indexes, triggers, functions and
// extensions. The migrations' own bookkeeping (goose_db_version) is left out.
var schemaQueries = map[db.Engine][]string{
	db.SQLite: {
		`SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || COALESCE(sql, '')
		 FROM sqlite_master
		 WHERE name NOT LIKE 'goose%' AND name NOT LIKE 'sqlite_%'
		 ORDER BY type, name`,
	},
	db.Postgres: {
		`SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type ||
		        ' null=' || is_nullable || ' identity=' || is_identity ||
		        ' ' || COALESCE(identity_generation, '') ||
		        ' default=' || COALESCE(column_default, '') ||
		        ' collate=' || COALESCE(collation_name, '')
		 FROM information_schema.columns
		 WHERE table_schema = 'public' AND table_name <> 'goose_db_version'
		 ORDER BY table_name, ordinal_position`,
		`SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		 FROM pg_constraint
		 WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'goose_db_version'
		 ORDER BY 1`,
		`SELECT 'index ' || tablename || ' ' || indexname || ': ' || indexdef
		 FROM pg_indexes
		 WHERE schemaname = 'public' AND tablename <> 'goose_db_version'
		 ORDER BY 1`,
		`SELECT 'trigger ' || tgrelid::regclass::text || ': ' || pg_get_triggerdef(oid)
		 FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`,
		`SELECT 'function ' || proname || ': ' || pg_get_functiondef(p.oid)
		 FROM pg_proc p
		 WHERE pronamespace = 'public'::regnamespace
		   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
		 ORDER BY 1`,
		`SELECT 'extension ' || extname FROM pg_extension ORDER BY 1`,
	},
}

// A fresh database migrated from the embedded migrations has the schema recorded in
// testdata/schema_<engine>.txt. The golden files were made from the migrations as they
// were before the two engines' copies became one source (a database installed earlier
// must have the same schema as one installed now); a new migration rewrites them with
// `go test ./internal/platform/db -run Schema -update`.
func TestMigrate_SchemaMatchesGolden(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var lines []string
		for _, q := range schemaQueries[d.Engine()] {
			lines = append(lines, dbtest.Strings(t, d, q)...)
		}
		got := strings.Join(lines, "\n") + "\n"
		golden := filepath.Join("testdata", "schema_"+string(d.Engine())+".txt")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("schema of a freshly migrated %s differs from %s (-want +got):\n%s", d.Engine(), golden, diff)
		}
	})
}

// frozenMigrations holds the sha256 of every migration released before the two engines'
// copies became one source, per engine, as applied by installed databases.
var frozenMigrations = map[string]string{
	"sqlite/00001_foundation.sql":                               "dec2694f3ac3eb4dd30c760b4720846c974a82a1b38521141aa4814c0259d477",
	"sqlite/00002_industries.sql":                               "f97ea09785fb587dae54485d30ecd96e896eb177ede61bdb785f51cf30c85a29",
	"sqlite/00003_attachments.sql":                              "41e4b08bbfb4ed41d36e9d62fd7b030ca8284955fbdd48ae265af023915977c8",
	"sqlite/00004_jobs_notifications.sql":                       "1e48b5f96029858d8395107ea9b9e8e70615dc4b32a2df6bda0f3a1d07734487",
	"sqlite/00005_hazards.sql":                                  "5620083498ea75988aefb8ee55c80cf3ccccd76af1682f1002df4a9d54e028d1",
	"sqlite/00006_enterprises.sql":                              "150786a034bbadf94a6f44e12a890b42052747ac65d68baf625b5ceb3f0be644",
	"sqlite/00007_checklists.sql":                               "a2409a9c88d6aac3c9d364b9ca09a773211db1e8b28f4ba19996e0934519308c",
	"sqlite/00008_hazard_open_indexes.sql":                      "7c2e6b6683a334a25a73f0403afb50f9620995d6e50aea20484640aa3bef2bbf",
	"sqlite/00009_attachments_unlinked.sql":                     "d3ae519f2012825a46b625a748fddae632f95690c2fc4174025daff6755307bf",
	"sqlite/00010_hazard_search.sql":                            "b3aca6ccc3d03527e879a0292fb35897319196d957ddadb1f11f74e2882b1929",
	"sqlite/00011_due_days.sql":                                 "64df30930aafe616c622f43e9ffb2ed4ddbacb75cb686cf721dc8c3e73cfa862",
	"sqlite/00012_hazard_leader_index_checklist_findings.sql":   "da6acd2b36eb54d7a5884a2d2b06249adb7b60488d411544d4430738c86ad4cb",
	"sqlite/00014_login_client_throttle.sql":                    "ea5035aa2f3249fc1800cad3058691fdd151e0ff8e7d543fcf67ca8a04fdbe4b",
	"sqlite/00015_risk_point_checks.sql":                        "2555eb6fa407eee9d1cea38fb33ef0bd54655e7d4be355445735b63f7f6331f1",
	"postgres/00001_foundation.sql":                             "ff549d94f952f08b25ce33f68ff077b650a7d9a2861793aafe228f6be264eb93",
	"postgres/00002_industries.sql":                             "f97ea09785fb587dae54485d30ecd96e896eb177ede61bdb785f51cf30c85a29",
	"postgres/00003_attachments.sql":                            "d593fc722b2edef67cbfde5936a61e2c6c1d9e3f59f4fe1ba9360291ace3b1a2",
	"postgres/00004_jobs_notifications.sql":                     "5af53ca869d7878e7f9823ab2235888d3cf85e89ca27f90535603385dad773e9",
	"postgres/00005_hazards.sql":                                "25bf2ed47ce4e6b2b25a705cfd545b7d244d18a658a0b604a1023db7bdcfdba6",
	"postgres/00006_enterprises.sql":                            "9b0b46aab0f35a595eb3b4b68f52f2cd7d87bf36daf3dc8156b76b089ad08b71",
	"postgres/00007_checklists.sql":                             "a2409a9c88d6aac3c9d364b9ca09a773211db1e8b28f4ba19996e0934519308c",
	"postgres/00008_hazard_open_indexes.sql":                    "7c2e6b6683a334a25a73f0403afb50f9620995d6e50aea20484640aa3bef2bbf",
	"postgres/00009_attachments_unlinked.sql":                   "d3ae519f2012825a46b625a748fddae632f95690c2fc4174025daff6755307bf",
	"postgres/00010_hazard_search.sql":                          "a3fb08464471935c4126655f0032a5a600ac9d35b2dcbf441f193b8bbb3ccce9",
	"postgres/00011_due_days.sql":                               "fe2e754757f4809c41f7c5df0460ae5e803b1ada2a16e3b3445f3e364a977eb9",
	"postgres/00012_hazard_leader_index_checklist_findings.sql": "da6acd2b36eb54d7a5884a2d2b06249adb7b60488d411544d4430738c86ad4cb",
	"postgres/00014_login_client_throttle.sql":                  "7a468780cf6c1ea3bac32f0bfb031e4a758952d46b37a6dafe77d94c164288c0",
	"postgres/00015_risk_point_checks.sql":                      "a6475a5e7ab306073b3a44289d812305a5f1042044fa7b4337adfb7ef986e78f",
}

// Installed databases have applied the migrations above: goose records only their
// version numbers, so each must render, on each engine, to exactly the bytes it had.
// A migration released later is added here with its hashes.
func TestMigrations_ReleasedOnesUnchanged(t *testing.T) {
	for _, e := range []db.Engine{db.SQLite, db.Postgres} {
		fsys, err := db.MigrationFiles(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names(t, e) {
			key := string(e) + "/" + name
			want, ok := frozenMigrations[key]
			if !ok {
				continue
			}
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if got := hex.EncodeToString(sum[:]); got != want {
				t.Errorf("%s renders to sha256 %s, released as %s", key, got, want)
			}
		}
	}
	seen := 0
	for _, e := range []db.Engine{db.SQLite, db.Postgres} {
		for _, name := range names(t, e) {
			if _, ok := frozenMigrations[string(e)+"/"+name]; ok {
				seen++
			}
		}
	}
	if seen != len(frozenMigrations) {
		t.Errorf("%d of the %d released migrations are embedded", seen, len(frozenMigrations))
	}
}
