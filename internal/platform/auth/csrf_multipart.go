package auth

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
)

// Bounds of the look at a multipart body for its token: the first boundary and the
// part's headers take about a hundred bytes, the token 43.
const (
	maxTokenPrefix = 4 << 10 // bytes of the body read to find the first part's end
	maxTokenBytes  = 128     // bytes of the token itself
)

// multipartToken returns the value of the csrf_token field when it is the first part of
// r's multipart body (pages put the token input first in every form, and browsers send
// the fields in document order). It reads at most maxTokenPrefix bytes and puts them
// back, so the handler reads the whole body unchanged, streaming the files that follow
// as they arrive. Anything else (no boundary, another first part, a broken body) gives
// "", which the caller refuses.
func multipartToken(r *http.Request, boundary string) string {
	if boundary == "" || r.Body == nil {
		return ""
	}
	var seen bytes.Buffer
	body := r.Body
	mr := multipart.NewReader(io.TeeReader(io.LimitReader(body, maxTokenPrefix), &seen), boundary)
	got := ""
	if part, err := mr.NextPart(); err == nil && part.FormName() == "csrf_token" && part.FileName() == "" {
		if b, err := io.ReadAll(io.LimitReader(part, maxTokenBytes+1)); err == nil && len(b) <= maxTokenBytes {
			got = string(b)
		}
	}
	r.Body = replayed{Reader: io.MultiReader(bytes.NewReader(seen.Bytes()), body), Closer: body}
	return got
}

// replayed is a request body whose first bytes were read ahead and are served again.
type replayed struct {
	io.Reader
	io.Closer
}
