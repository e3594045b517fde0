#!/usr/bin/env bash
# bench/demo.sh — how long `safeduty serve --demo` takes to be ready on a fresh database,
# how long the demo district build itself takes (as the server logs it), and how much
# memory the idle server holds.
#
#   bench/demo.sh [runs]                 # SQLite in a fresh temporary data folder (default 5 runs)
#   BENCH_PG=postgres://postgres@127.0.0.1:5432 bench/demo.sh [runs]
#                                        # PostgreSQL: a fresh database per run (createdb/dropdb)
#
# Each run: start the server, poll /readyz every 10 ms until it answers 200 (start→ready),
# read "demo district built … took=…" from its log, wait IDLE seconds (default 5), read
# VmRSS from /proc/<pid>/status, stop the server. Prints each run and the medians.
set -euo pipefail

runs=${1:-5}
idle=${IDLE:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pid=""
dbname=""
cleanup() {
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	if [[ -n $dbname ]]; then dropdb_fresh "$dbname"; fi
	rm -rf "$work"
}
trap cleanup EXIT

pg_host_args() { # the -h/-p/-U arguments of BENCH_PG
	local rest=${BENCH_PG#*://} user=postgres hostport
	if [[ $rest == *@* ]]; then user=${rest%%@*}; user=${user%%:*}; rest=${rest#*@}; fi
	hostport=${rest%%/*}; hostport=${hostport%%\?*}
	echo "-h ${hostport%%:*} -p $([[ $hostport == *:* ]] && echo "${hostport##*:}" || echo 5432) -U $user"
}
dropdb_fresh() { dropdb $(pg_host_args) --if-exists "$1" >/dev/null 2>&1 || true; }

echo "building safeduty …" >&2
(cd "$root" && go build -o "$work/safeduty" ./cmd/safeduty)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
to_ms() { # a Go duration as logged (66ms, 1.2s, 850µs) → milliseconds
	awk -v d="$1" 'BEGIN {
		if (d ~ /ms$/) { sub(/ms$/, "", d); print d + 0 }
		else if (d ~ /(µs|us)$/) { sub(/(µs|us)$/, "", d); print d / 1000 }
		else if (d ~ /s$/) { sub(/s$/, "", d); print d * 1000 }
		else print "NaN" }'
}

engine=sqlite
[[ -n ${BENCH_PG:-} ]] && engine=postgres
echo "engine: $engine; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >&2
printf '%-4s %12s %12s %10s\n' run ready_ms build_ms rss_mib
ready_all=() build_all=() rss_all=()
for ((i = 1; i <= runs; i++)); do
	data="$work/data$i"
	port=$(free_port)
	args=(serve --demo --data "$data" --addr "127.0.0.1:$port")
	if [[ $engine == postgres ]]; then
		dbname="safeduty_bench_demo_$$_$i"
		dropdb_fresh "$dbname"
		createdb $(pg_host_args) "$dbname"
		args+=(--db "${BENCH_PG%/}/$dbname?sslmode=disable")
	fi
	log="$work/log$i"
	start=$(now_ms)
	SAFEDUTY_DEMO_PASSWORD=bench-demo-2015 "$work/safeduty" "${args[@]}" >"$log" 2>&1 &
	pid=$!
	until curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; do
		if ! kill -0 "$pid" 2>/dev/null; then echo "server exited:" >&2; cat "$log" >&2; exit 1; fi
		if (($(now_ms) - start > 60000)); then echo "not ready after 60 s" >&2; cat "$log" >&2; exit 1; fi
		sleep 0.01
	done
	ready=$(($(now_ms) - start))
	took=$(sed -n 's/.*msg="demo district built" took=\([^ ]*\).*/\1/p' "$log")
	[[ -n $took ]] || { echo "no 'demo district built' line in the log:" >&2; cat "$log" >&2; exit 1; }
	build=$(to_ms "$took")
	sleep "$idle"
	rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
	rss=$(awk -v k="$rss_kib" 'BEGIN {printf "%.1f", k / 1024}')
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=""
	if [[ $engine == postgres ]]; then dropdb_fresh "$dbname"; dbname=""; fi
	printf '%-4s %12s %12s %10s\n' "$i" "$ready" "$build" "$rss"
	ready_all+=("$ready") build_all+=("$build") rss_all+=("$rss")
done
printf '%-4s %12s %12s %10s\n' median \
	"$(printf '%s\n' "${ready_all[@]}" | median)" \
	"$(printf '%s\n' "${build_all[@]}" | median)" \
	"$(printf '%s\n' "${rss_all[@]}" | median)"
