package api

import (
	"encoding/json"
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/invopop/jsonschema"
)

// OpenAPI builds the OpenAPI 3.1 document of every registered route from the routes'
// Go types: path parameters from the path, filters from `query` tags, bodies and
// responses by reflection. Nothing is written by hand, so it cannot drift from the code.
func (g *Registry) OpenAPI(version string) map[string]any {
	b := &docBuilder{schemas: map[string]any{}}
	b.reflector = &jsonschema.Reflector{
		Anonymous:                 true,
		AllowAdditionalProperties: true,
		Namer: func(t reflect.Type) string {
			if t.Name() == "" {
				return ""
			}
			return path.Base(t.PkgPath()) + "." + t.Name()
		},
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == idType {
				return &jsonschema.Schema{Type: "string", Description: "opaque id"}
			}
			return nil
		},
	}
	paths := map[string]map[string]any{}
	for _, rt := range g.routes {
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = b.operation(rt)
	}
	b.schemas["Problem"] = problemSchema
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "SafeDuty API",
			"version":     version,
			"description": "安责通 SafeDuty public API (v1). Authenticate with POST /api/v1/session and send `Authorization: Bearer <token>`. Errors are RFC 9457 problem details. Lists take page, per_page (max 500), sort (field or -field), after (the next of the page before), count=exact and format=json|xlsx|csv.",
			// The repository's LICENSE.
			"license": map[string]any{"name": "Apache License 2.0", "identifier": "Apache-2.0"},
		},
		// Relative: the API is served by the server that serves this document.
		"servers": []map[string]any{{"url": "/", "description": "the server serving this document"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": b.schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": "__Host-safeduty_session"},
			},
		},
	}
}

// ServeOpenAPI returns a handler serving the document, built once.
func (g *Registry) ServeOpenAPI(version string) HandlerFunc {
	var once sync.Once
	var doc []byte
	return func(w http.ResponseWriter, r *http.Request) error {
		once.Do(func() { doc, _ = json.MarshalIndent(g.OpenAPI(version), "", "  ") })
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, err := w.Write(doc)
		return err
	}
}

type docBuilder struct {
	reflector *jsonschema.Reflector
	schemas   map[string]any
}

var problemSchema = map[string]any{
	"type":        "object",
	"description": "RFC 9457 problem details; validation failures list each field in errors.",
	"properties": map[string]any{
		"type":     map[string]any{"type": "string"},
		"title":    map[string]any{"type": "string"},
		"status":   map[string]any{"type": "integer"},
		"detail":   map[string]any{"type": "string"},
		"instance": map[string]any{"type": "string"},
		"code":     map[string]any{"type": "string"},
		"errors": map[string]any{"type": "array", "items": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"field":   map[string]any{"type": "string"},
				"rule":    map[string]any{"type": "string"},
				"message": map[string]any{"type": "string"},
			},
		}},
	},
	"required": []string{"type", "title", "status", "code"},
}

func (b *docBuilder) operation(rt Route) map[string]any {
	op := map[string]any{
		"operationId": rt.ID,
		"summary":     rt.Summary,
		"tags":        []string{rt.Tag},
	}
	if rt.Public {
		op["security"] = []any{}
	} else {
		op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"cookie": []string{}}}
		if rt.Perm != nil {
			roles := make([]string, 0)
			for _, r := range rt.Perm.Roles() {
				roles = append(roles, string(r))
			}
			op["description"] = "Requires permission `" + rt.Perm.Name + "` (roles: " + strings.Join(roles, ", ") + "). Records outside the caller's scope answer 404."
		}
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	params = append(params, queryParams(rt.Params)...)
	if rt.List {
		params = append(params,
			map[string]any{"name": "page", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": MaxPage, "default": 1}},
			map[string]any{"name": "per_page", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": MaxPerPage, "default": DefaultPerPage}},
			map[string]any{"name": "format", "in": "query", "description": "json (default), or the whole list as a file", "schema": map[string]any{"type": "string", "enum": []string{"json", "xlsx", "csv"}}},
			map[string]any{"name": "after", "in": "query", "description": "the next of the page before: the page after its last row (keyset; instead of page, in the same sort)", "schema": map[string]any{"type": "string"}},
			map[string]any{"name": "count", "in": "query", "description": "exact: count every match (else total stops at 10000 with total_capped)", "schema": map[string]any{"type": "string", "enum": []string{"exact"}}},
		)
		if len(rt.Sorts) > 0 {
			var enum []string
			for _, s := range rt.Sorts {
				enum = append(enum, s, "-"+s)
			}
			params = append(params, map[string]any{"name": "sort", "in": "query", "description": "field to sort by; prefix - for descending", "schema": map[string]any{"type": "string", "enum": enum}})
		}
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.FileField != "" {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"multipart/form-data": map[string]any{"schema": map[string]any{
				"type":       "object",
				"required":   []string{rt.FileField},
				"properties": map[string]any{rt.FileField: map[string]any{"type": "string", "format": "binary"}},
			}},
		}}
	}
	if rt.Body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": b.schema(rt.Body)},
		}}
	}
	responses := map[string]any{
		"default": map[string]any{"description": "error", "content": map[string]any{
			"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}},
		}},
	}
	ok := map[string]any{"description": "success"}
	content := map[string]any{}
	switch {
	case rt.List:
		content["application/json"] = map[string]any{"schema": map[string]any{
			"type":     "object",
			"required": []string{"items", "total", "page", "per_page"},
			"properties": map[string]any{
				"items":        map[string]any{"type": "array", "items": b.schema(rt.Response)},
				"total":        map[string]any{"type": "integer"},
				"total_capped": map[string]any{"type": "boolean", "description": "more match than total (10000) counts; count=exact counts them all"},
				"page":         map[string]any{"type": "integer"},
				"per_page":     map[string]any{"type": "integer"},
				"next":         map[string]any{"type": "string", "description": "the cursor of the next page (?after=); absent on the last page"},
			},
		}}
		content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
		content["text/csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
	case rt.Response != nil:
		content["application/json"] = map[string]any{"schema": b.schema(rt.Response)}
	}
	for _, p := range rt.Produces {
		content[p] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
	}
	if len(content) > 0 && rt.Status != http.StatusNoContent {
		ok["content"] = content
	}
	responses[strconv.Itoa(rt.Status)] = ok
	op["responses"] = responses
	return op
}

// schema reflects v's type into components and returns a reference to it.
func (b *docBuilder) schema(v any) any {
	s := b.reflector.Reflect(v)
	raw, _ := json.Marshal(s)
	text := strings.ReplaceAll(string(raw), "#/$defs/", "#/components/schemas/")
	var m map[string]any
	_ = json.Unmarshal([]byte(text), &m)
	if defs, ok := m["$defs"].(map[string]any); ok {
		for k, d := range defs {
			b.schemas[k] = d
		}
		delete(m, "$defs")
	}
	delete(m, "$schema")
	return m
}

func queryParams(params any) []any {
	if params == nil {
		return nil
	}
	t := reflect.TypeOf(params)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []any
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, queryParams(reflect.New(f.Type).Elem().Interface())...)
			continue
		}
		name := f.Tag.Get("query")
		if name == "" {
			continue
		}
		schema := map[string]any{}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == idType:
			schema["type"] = "string"
		case ft == timeType:
			schema["type"], schema["format"] = "string", "date"
		case ft.Kind() == reflect.Slice:
			schema["type"] = "string"
			schema["description"] = "comma-separated list"
		case ft.Kind() == reflect.Bool:
			schema["type"] = "boolean"
		case ft.Kind() == reflect.Int || ft.Kind() == reflect.Int64:
			schema["type"] = "integer"
		default:
			schema["type"] = "string"
		}
		if enum := f.Tag.Get("enum"); enum != "" {
			schema["enum"] = strings.Split(enum, ",")
		}
		p := map[string]any{"name": name, "in": "query", "schema": schema}
		if doc := f.Tag.Get("doc"); doc != "" {
			p["description"] = doc
		}
		out = append(out, p)
	}
	return out
}
