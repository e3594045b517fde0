package app_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/safeduty/safeduty/internal/apptest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The served OpenAPI document describes every registered route, each $ref resolves, and
// it matches the reviewed golden file (go test ./internal/app -run OpenAPI -update).
func TestOpenAPI_DescribesEveryRoute(t *testing.T) {
	e := apptest.New(t, "sqlite")
	res := e.Do("GET", "/api/v1/openapi.json", "", nil)
	if res.Status != 200 {
		t.Fatalf("openapi: %d", res.Status)
	}
	var doc map[string]any
	res.JSON(t, &doc)
	paths := doc["paths"].(map[string]any)
	ids := map[string]bool{}
	for _, rt := range e.App.API.Routes() {
		item, ok := paths[rt.Path].(map[string]any)
		if !ok {
			t.Errorf("path %s is not documented", rt.Path)
			continue
		}
		op, ok := item[strings.ToLower(rt.Method)].(map[string]any)
		if !ok {
			t.Errorf("%s %s is not documented", rt.Method, rt.Path)
			continue
		}
		if op["operationId"] != rt.ID {
			t.Errorf("%s %s: operationId %v, want %s", rt.Method, rt.Path, op["operationId"], rt.ID)
		}
		if ids[rt.ID] {
			t.Errorf("operationId %s used twice", rt.ID)
		}
		ids[rt.ID] = true
	}
	n := 0
	for _, item := range paths {
		n += len(item.(map[string]any))
	}
	if n != len(e.App.API.Routes()) {
		t.Errorf("document has %d operations, registry %d routes", n, len(e.App.API.Routes()))
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/components/schemas/")
				if _, ok := schemas[name]; !ok {
					t.Errorf("dangling $ref %s", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)

	golden := filepath.Join("testdata", "openapi.golden.json")
	pretty, _ := json.MarshalIndent(doc, "", "  ")
	if *update {
		if err := os.WriteFile(golden, append(pretty, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var wantDoc map[string]any
	if err := json.Unmarshal(want, &wantDoc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantDoc, doc); diff != "" {
		t.Errorf("OpenAPI document changed (-golden +served); review and run with -update:\n%s", diff)
	}
}

// The document declares the repository's licence (LICENSE, Apache 2.0) by its SPDX
// identifier, and its server relative to where it is served.
func TestOpenAPI_LicenceAndServer(t *testing.T) {
	e := apptest.New(t, "sqlite")
	var doc struct {
		Info struct {
			License struct{ Name, Identifier string }
		}
		Servers []struct{ URL string }
	}
	e.Do("GET", "/api/v1/openapi.json", "", nil).JSON(t, &doc)
	licence, err := os.ReadFile(filepath.Join("..", "..", "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(licence), "Apache License\n                           Version 2.0") ||
		!strings.Contains(string(licence), "Copyright 2026 The SafeDuty authors") {
		t.Errorf("LICENSE is not the Apache License 2.0 of The SafeDuty authors")
	}
	if l := doc.Info.License; l.Identifier != "Apache-2.0" || l.Name == "" {
		t.Errorf("info.license = %+v, want Apache-2.0 with a name", l)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Errorf("servers = %+v, want one, relative: /", doc.Servers)
	}
}
