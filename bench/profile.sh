#!/usr/bin/env bash
# bench/profile.sh — where the time goes: CPU and block profiles of the server under wrk load
# (2 threads, 50 connections, loopback, signed in as admin) on the demo district, one request
# at a time, with a bare net/http handler (bench/ceiling) measured in the same run.
#
#   bench/profile.sh sqlite|postgres
#
# Environment:
#   BENCH_PG     PostgreSQL server (default postgres://postgres@127.0.0.1:5432); a fresh
#                database safeduty_bench_profile is made (and dropped at the end)
#   PORT         the server's port (default 8095); the ceiling uses PORT+1, pprof PORT+2000
#   DURATION     wrk's run per request (default 15s); the profiles cover PROFILE_S seconds
#                (default 10) from the 3rd second
#   ONLY         only the requests whose names match this regexp (the ceiling always runs):
#                healthz me list list_default detail stats home create
#
# Each request's wrk output, cpu.pb.gz, block.pb.gz and their `go tool pprof -top` go to
# bench/results/profile-<engine>-<time>/; a table of req/s, p50 and p99 is printed at the end.
# The POST runs last: it adds hazards that the other requests would otherwise see.
set -euo pipefail

engine=${1:?usage: bench/profile.sh sqlite|postgres}
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8095}
cport=$((port + 1))
pport=$((port + 2000))
dur=${DURATION:-15s}
prof_s=${PROFILE_S:-10}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
out="$root/bench/results/profile-$engine-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	[[ $engine == postgres ]] && dropdb -h 127.0.0.1 -U postgres --if-exists safeduty_bench_profile >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

echo "building …" >&2
(cd "$root" && go build -o "$work/safeduty" ./cmd/safeduty && go build -o "$work/ceiling" ./bench/ceiling)

dbargs=()
if [[ $engine == postgres ]]; then
	dropdb -h 127.0.0.1 -U postgres --if-exists safeduty_bench_profile >/dev/null 2>&1 || true
	createdb -h 127.0.0.1 -U postgres safeduty_bench_profile
	dbargs=(--db "${pg%/}/safeduty_bench_profile?sslmode=disable")
fi
SAFEDUTY_DEMO_PASSWORD=demo-pass-2026 "$work/safeduty" serve --demo --data "$work/data" "${dbargs[@]}" \
	--addr "127.0.0.1:$port" --pprof "127.0.0.1:$pport" --log-level warn >"$out/server.log" 2>&1 &
pids+=($!)
"$work/ceiling" -addr "127.0.0.1:$cport" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -XPOST "http://127.0.0.1:$port/api/v1/session" -H 'Content-Type: application/json' \
	-d '{"username":"admin","password":"demo-pass-2026"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
auth="Authorization: Bearer $token"
q() { curl -sf -H "$auth" "http://127.0.0.1:$port$1"; }
export HAZARD_MAX GRID_MAX
HAZARD_MAX=$(q '/api/v1/hazards?per_page=1' | sed -E 's/.*"total":([0-9]+).*/\1/')
GRID_MAX=$(q '/api/v1/grids?per_page=1' | sed -E 's/.*"total":([0-9]+).*/\1/' || echo 100)
[[ $GRID_MAX =~ ^[0-9]+$ ]] || GRID_MAX=100
echo "engine $engine; hazards $HAZARD_MAX; grids $GRID_MAX; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/info.txt" >&2

# name | wrk target (a path, or @script.lua)
requests=(
	"ceiling|bare"
	"healthz|/healthz"
	"me|/api/v1/me"
	"list|/api/v1/hazards?status=assigned&grade=general&per_page=20&sort=-found_at"
	"list_default|/api/v1/hazards?per_page=20"
	"detail|@detail.lua"
	"stats|/api/v1/hazards/stats"
	"home|/"
	"create|@create.lua"
)
if [[ -n ${ONLY:-} ]]; then
	kept=()
	for r in "${requests[@]}"; do [[ ${r%%|*} == ceiling || ${r%%|*} =~ $ONLY ]] && kept+=("$r"); done
	requests=("${kept[@]}")
fi
for r in "${requests[@]}"; do
	name=${r%%|*} target=${r#*|}
	args=(-t2 -c50 -d"$dur" --latency -H "$auth")
	url="http://127.0.0.1:$port"
	case $target in
	bare) url="http://127.0.0.1:$cport/" ;;
	@*) args+=(-s "$root/bench/wrk/${target#@}") ;;
	*) url="$url$target" ;;
	esac
	echo "== $name" >&2
	wrk "${args[@]}" "$url" >"$out/$name.wrk.txt" &
	w=$!
	if [[ $name != ceiling ]]; then
		sleep 2
		curl -sf -o "$out/$name.cpu.pb.gz" "http://127.0.0.1:$pport/debug/pprof/profile?seconds=$prof_s" &
		c=$!
		curl -sf -o "$out/$name.block.pb.gz" "http://127.0.0.1:$pport/debug/pprof/block?seconds=$prof_s" || true
		wait $c || true
	fi
	wait $w
	grep -E 'Requests/sec|Non-2xx|Socket errors' "$out/$name.wrk.txt" >&2 || true
done

for f in "$out"/*.pb.gz; do
	[[ -s $f ]] && go tool pprof -top -nodecount=40 "$work/safeduty" "$f" >"${f%.pb.gz}.top.txt" 2>/dev/null || true
	[[ -s $f ]] && go tool pprof -top -cum -nodecount=60 "$work/safeduty" "$f" >"${f%.pb.gz}.cum.txt" 2>/dev/null || true
done
cp "$work/safeduty" "$out/safeduty.bin"

printf '\n| request (%s) | req/s | p50 | p99 | non-2xx | timeouts |\n| --- | ---: | ---: | ---: | ---: | ---: |\n' "$engine"
for r in "${requests[@]}"; do
	name=${r%%|*}
	f="$out/$name.wrk.txt"
	awk -v name="$name" '
		/Requests\/sec/ { rps = $2 }
		/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
		/Non-2xx/ { bad = $NF }
		/Socket errors/ { to = $NF }
		END { printf "| %s | %.0f | %s | %s | %s | %s |\n", name, rps, p50, p99, bad == "" ? 0 : bad, to == "" ? 0 : to }' "$f"
done | tee "$out/table.md"
echo "raw output: $out" >&2
