package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"syscall"
)

// ClientGone reports whether err, met while answering r, comes from a client that went
// away: it closed or reset the connection (a download cancelled, a page left), or its
// request was cancelled.
func ClientGone(r *http.Request, err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, context.Canceled) || r.Context().Err() != nil
}

// LogCutShort logs err, met after the response to r had begun (a streamed export): at
// info level when the client went away, which is no fault of the server, else as an
// error.
func LogCutShort(r *http.Request, err error) {
	if ClientGone(r, err) {
		slog.Info("response cut short: the client went away", "method", r.Method, "path", r.URL.Path, "reason", err.Error())
		return
	}
	slog.Error("request failed after the response began", "method", r.Method, "path", r.URL.Path, "err", err)
}
