#!/usr/bin/env bash
# bench/load.sh — the load harness (bench/load): one command per engine. Builds the binary,
# generates the dataset or reuses the kept one, starts the server on a scratch copy of it and
# the bare handler (bench/ceiling, the ceiling measured in the same run), then runs every
# operation for a fixed time on loopback as signed-in users (admin, town01,
# dept-construction) and prints a Markdown table: median (min–max) over RUNS.
#
#   bench/load.sh sqlite|postgres
#
# Environment:
#   BENCH_SCALE   hazards added to the demo district (default 0: the demo alone; 1000000 for
#                 the city, with 100,000 enterprises)
#   RUNS          repeats of everything (default 1; 3 for figures to publish)
#   DURATION      each operation's time (default 10s); CONNS connections (default 50)
#   OPS           only the operations matching this regexp (the ceiling always runs)
#   PORT          the server's port (default 8095); the ceiling listens on PORT+1
#   BENCH_PG      PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
#   BENCH_FRESH=1 generate the dataset again even when one is kept
#
# Needs go, curl, and sqlite3 (SQLite) or psql, createdb and dropdb (PostgreSQL): the
# largest hazard id is read from the database.
#
# The generated dataset is kept (bench/results/load-sqlite-<scale>/, or the PostgreSQL
# database safeduty_bench_load_<scale>); each run serves a scratch copy, so the hazards
# and enterprises it creates never accumulate. Raw results go to
# bench/results/load-<engine>-<scale>-<time>/ (git-ignored).
set -euo pipefail

engine=${1:?usage: bench/load.sh sqlite|postgres}
[[ $engine == sqlite || $engine == postgres ]] || { echo "engine: sqlite or postgres" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
scale=${BENCH_SCALE:-0}
runs=${RUNS:-1}
dur=${DURATION:-10s}
conns=${CONNS:-50}
port=${PORT:-8095}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
pg=${pg%/}
pghost() { local r=${pg#*://}; r=${r#*@}; r=${r%%/*}; echo "-h ${r%%:*} -p $([[ $r == *:* ]] && echo "${r##*:}" || echo 5432) -U postgres"; }
results="$root/bench/results"
out="$results/load-$engine-$scale-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
work=$(mktemp -d)
pids=()
scratch=""
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	[[ -n $scratch ]] && dropdb $(pghost) --if-exists "$scratch" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
export SAFEDUTY_DEMO_PASSWORD=demo-pass-2026

echo "building …" >&2
(cd "$root" && go build -o "$work/safeduty" ./cmd/safeduty && go build -o "$work/ceiling" ./bench/ceiling && go build -o "$work/load" ./bench/load)

# The kept dataset.
store=()
if [[ $engine == sqlite ]]; then
	kept="$results/load-sqlite-$scale"
	if [[ -n ${BENCH_FRESH:-} || ! -f $kept/complete ]]; then
		rm -rf "$kept"
		echo "generating: the demo district + $scale hazards (SQLite) …" >&2
		"$work/safeduty" demo --scale "$scale" --data "$kept" >/dev/null
		touch "$kept/complete"
	fi
	mkdir -p "$work/data"
	cp "$kept/safeduty.db" "$work/data/safeduty.db"
	store=(--data "$work/data")
else
	kept="safeduty_bench_load_$scale"
	exists=$(psql $(pghost) -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$kept'")
	if [[ -n ${BENCH_FRESH:-} || ! -f $results/load-postgres-$scale.complete || $exists != 1 ]]; then
		rm -f "$results/load-postgres-$scale.complete"
		dropdb $(pghost) --if-exists "$kept" >/dev/null 2>&1 || true
		createdb $(pghost) "$kept"
		echo "generating: the demo district + $scale hazards (PostgreSQL $kept) …" >&2
		"$work/safeduty" demo --scale "$scale" --db "$pg/$kept?sslmode=disable" --data "$work/gen" >/dev/null
		touch "$results/load-postgres-$scale.complete"
	fi
	scratch="${kept}_scratch"
	dropdb $(pghost) --if-exists "$scratch" >/dev/null 2>&1 || true
	createdb $(pghost) -T "$kept" "$scratch"
	store=(--db "$pg/$scratch?sslmode=disable" --data "$work/data")
fi

# The largest hazard id, from the database itself: asking the API's list takes minutes at
# 1,000,000 hazards on today's code.
if [[ $engine == sqlite ]]; then
	maxid=$(sqlite3 "$work/data/safeduty.db" 'SELECT MAX(id) FROM hazards')
else
	maxid=$(psql $(pghost) -d "$scratch" -Atc 'SELECT MAX(id) FROM hazards')
fi

"$work/safeduty" serve "${store[@]}" --addr "127.0.0.1:$port" --log-level warn >"$out/server.log" 2>&1 &
server=$!
pids+=($server)
"$work/ceiling" -addr "127.0.0.1:$((port + 1))" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the server did not start; see $out/server.log" >&2; exit 1; }

label="$engine, demo district + $scale hazards, $(nproc) cores, load average at start $(cut -d' ' -f1 /proc/loadavg)"
echo "$label" | tee "$out/info.txt" >&2
"$work/load" -url "http://127.0.0.1:$port" -ceiling "http://127.0.0.1:$((port + 1))" -pid "$server" -max-id "$maxid" \
	-runs "$runs" -duration "$dur" -conns "$conns" -ops "${OPS:-}" -out "$out" -label "$label" | tee "$out/table.md"
echo "raw results: $out" >&2
