// Command ceiling is the bare net/http handler the load figures are compared with: on the
// same machine and in the same run, what a Go server answers when it does nothing but write
// a small JSON body. A request to SafeDuty can be no faster than this.
//
//	go run ./bench/ceiling -addr 127.0.0.1:8096
package main

import (
	"flag"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8096", "listen address (keep it on loopback)")
	flag.Parse()
	body := []byte(`{"status":"ok"}` + "\n")
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body) //nolint:errcheck
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
