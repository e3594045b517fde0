package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --files s3://…: serve refuses to start without the keys, or with keys in the URL (and
// never repeats them); backup and restore, which copy a files folder, refuse an S3 store
// and say what to do, writing nothing.
func TestCLI_FilesOnS3(t *testing.T) {
	t.Setenv("SAFEDUTY_S3_ACCESS_KEY", "")
	t.Setenv("SAFEDUTY_S3_SECRET_KEY", "")
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		args  []string
		want  string
		avoid string
	}{
		{"serve without keys", []string{"serve", "--files", "s3://bucket/files?endpoint=127.0.0.1:1&secure=false"}, "SAFEDUTY_S3_ACCESS_KEY", ""},
		{"serve with keys in the URL", []string{"serve", "--files", "s3://AKIA:hunter2secret@bucket/files"}, "must not carry credentials", "hunter2secret"},
		{"serve with an unknown parameter", []string{"serve", "--files", "s3://bucket/files?secret_key=x"}, `unknown s3:// URL parameter "secret_key"`, ""},
		{"backup", []string{"backup", "--files", "s3://bucket/files", "OUT"}, "back up the bucket with the store's own tools", ""},
		{"restore", []string{"restore", "--files", "s3://bucket/files", "IN"}, "back up the bucket with the store's own tools", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "backup.tar")
			args := append([]string(nil), tc.args...)
			for i, a := range args {
				if a == "OUT" || a == "IN" {
					args[i] = out
				}
			}
			args = append(args, "--data", dir, "--addr", "127.0.0.1:0", "--log-level", "error")
			if tc.args[0] != "serve" {
				args = args[:len(args)-4] // backup and restore take --data only
			}
			err := run(ctx, args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v: %v, want an error containing %q", args, err, tc.want)
			}
			if tc.avoid != "" && strings.Contains(err.Error(), tc.avoid) {
				t.Errorf("the error repeats the secret: %v", err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a backup was written")
			}
		})
	}
}
