package api

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log destination shared by the server's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A client that closes the connection while an export streams (a cancelled download) is
// not a failure of the server: it is logged at info level, with no "error" in the line.
// A failure of the server after the file began stays an error.
func TestExport_ClientClosingEarlyIsNotAnError(t *testing.T) {
	var logs syncBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)

	line := Export[int]{Name: "common.name", Columns: []Column[int]{
		{Header: "common.name", Value: func(i int) any { return strings.Repeat("巡查记录", 20) }},
	}}
	gone := make(chan struct{})
	mux := http.NewServeMux()
	reg := NewRegistry(mux, nil, nil)
	reg.Add(Route{Method: "GET", Path: "/big", ID: "big", Summary: "a large export", Tag: "test", Public: true,
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			return line.Write(w, r, "csv", func(each func(int) error) error {
				for i := range 10_000_000 {
					if i == 2000 {
						<-gone // the first rows went out (flushed at 1,000); the client has hung up
					}
					if err := each(i); err != nil {
						return err
					}
				}
				return nil
			})
		}})
	reg.Add(Route{Method: "GET", Path: "/broken", ID: "broken", Summary: "an export that fails", Tag: "test", Public: true,
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			return line.Write(w, r, "csv", func(each func(int) error) error {
				for i := range 1500 {
					if err := each(i); err != nil {
						return err
					}
				}
				return errors.New("the database went away")
			})
		}})
	srv := httptest.NewServer(mux)

	res, err := http.Get(srv.URL + "/big")
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 64)
	if _, err := io.ReadFull(res.Body, first); err != nil {
		t.Fatalf("first bytes: %v", err)
	}
	res.Body.Close() // the body is not finished: the connection closes
	close(gone)

	res, err = http.Get(srv.URL + "/broken")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(res.Body); err == nil {
		t.Errorf("a failed export ended like a complete file")
	}
	res.Body.Close()
	srv.Close() // waits for both handlers

	var gonelines, brokenLines []string
	for _, l := range strings.Split(logs.String(), "\n") {
		switch {
		case strings.Contains(l, "path=/big"):
			gonelines = append(gonelines, l)
		case strings.Contains(l, "path=/broken"):
			brokenLines = append(brokenLines, l)
		}
	}
	if len(gonelines) != 1 || !strings.Contains(gonelines[0], "level=INFO") || strings.Contains(strings.ToLower(gonelines[0]), "error") {
		t.Errorf("a client closing early is logged as %q, want one info line without \"error\"", gonelines)
	}
	if len(brokenLines) != 1 || !strings.Contains(brokenLines[0], "level=ERROR") || !strings.Contains(brokenLines[0], "the database went away") {
		t.Errorf("a failing export is logged as %q, want one error line with the cause", brokenLines)
	}
}
