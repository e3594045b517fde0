#!/usr/bin/env bash
# bench/hazards.sh — the hazard loop at scale: create, lists with filters and paging, the
# three clears (三清) and the export, on a database holding the demo district plus
# BENCH_HAZARDS more hazards (default 1,000,000), as a district admin, a town user and a
# department user (internal/hazard/bench_test.go). Prints the median time of each
# benchmark over the runs, one column per engine.
#
#   bench/hazards.sh [count]             # SQLite; count runs of every benchmark (default 5)
#   BENCH_PG=postgres://postgres@127.0.0.1:5432 bench/hazards.sh [count]
#                                        # SQLite, then PostgreSQL
#
# Environment:
#   BENCH_HAZARDS   hazards to add to the demo's 4,000 (default 1000000)
#   BENCH_TIME      go test -benchtime per benchmark (default 1s: slow ones run once per count)
#   BENCH_FILTER    which benchmarks, a regexp under BenchmarkHazards/<engine>/ (default: all)
#   BENCH_SQL       statements (;-separated) run on a scratch copy of the loaded database
#                   before measuring, e.g. a proposed index; the kept database is untouched
#   BENCH_FRESH=1   load again even when a loaded database is kept
#
# The loaded database is kept between runs (loading 1,000,000 hazards takes about a
# minute on SQLite, a few on PostgreSQL): bench/results/hazards-sqlite-<N>/safeduty.db and
# the PostgreSQL database safeduty_bench_hazards_<N>. Raw go test output goes to
# bench/results/hazards-<engine>-<N>-<time>.txt.
set -euo pipefail

count=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
results="$root/bench/results"
mkdir -p "$results"
n=${BENCH_HAZARDS:-1000000}
benchtime=${BENCH_TIME:-1s}
filter=${BENCH_FILTER:-.}
stamp=$(date +%Y%m%d-%H%M%S)

export SAFEDUTY_BENCH_HAZARDS=$n SAFEDUTY_BENCH_DIR="$results"
[[ -n ${BENCH_SQL:-} ]] && export SAFEDUTY_BENCH_SQL=$BENCH_SQL
[[ -n ${BENCH_FRESH:-} ]] && export SAFEDUTY_BENCH_FRESH=$BENCH_FRESH

echo "hazards: demo + $n; count $count; benchtime $benchtime; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >&2
[[ -n ${BENCH_SQL:-} ]] && echo "on a scratch copy with: $BENCH_SQL" >&2

engines=(sqlite)
[[ -n ${BENCH_PG:-} ]] && engines+=(postgres)
outs=()
for engine in "${engines[@]}"; do
	out="$results/hazards-$engine-$n-$stamp.txt"
	outs+=("$out")
	echo "== $engine → $out" >&2
	(
		cd "$root"
		if [[ $engine == postgres ]]; then
			export SAFEDUTY_TEST_POSTGRES="${BENCH_PG%/}/postgres?sslmode=disable"
		else
			unset SAFEDUTY_TEST_POSTGRES
		fi
		go test -run '^$' -bench "^BenchmarkHazards\$/^$engine\$/$filter" -benchtime "$benchtime" -count "$count" \
			-timeout 4h ./internal/hazard 2>&1 | tee "$out" >&2
	)
done

# Summary: the median ns/op of each benchmark per engine, in milliseconds.
awk -v engines="${engines[*]}" '
	function median(list,   a, k, m, i, j, t) {
		k = split(list, a, " ")
		for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return (k % 2) ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
	}
	function ms(ns) { return ns >= 1e7 ? sprintf("%.0f", ns / 1e6) : sprintf("%.2f", ns / 1e6) }
	/^hazards-bench:/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); info[kv[1]] = kv[2] }
		load[info["engine"]] = sprintf("%s hazards, %s MiB, loaded in %s s%s", info["hazards"], info["size_mib"], info["load_s"],
			info["scratch"] == "true" ? " (scratch copy)" : "")
		next
	}
	/^BenchmarkHazards\// {
		name = $1; sub(/-[0-9]+$/, "", name)
		split(name, parts, "/"); eng = parts[2]
		key = substr(name, length("BenchmarkHazards/" eng "/") + 1)
		for (i = 2; i <= NF; i++) if ($i == "ns/op") ns = $(i-1)
		if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
		runs[key, eng] = runs[key, eng] " " ns
		cnt[key, eng]++
	}
	END {
		ne = split(engines, es, " ")
		for (e = 1; e <= ne; e++) if (es[e] in load) printf "%-10s %s\n", es[e] ":", load[es[e]]
		printf "\n%-55s", "benchmark (median ms/op)"
		for (e = 1; e <= ne; e++) printf " %12s", es[e]
		printf "\n"
		for (k = 1; k <= nkeys; k++) {
			printf "%-55s", order[k]
			for (e = 1; e <= ne; e++) {
				v = ((order[k], es[e]) in runs) ? ms(median(runs[order[k], es[e]])) " (" cnt[order[k], es[e]] ")" : "-"
				printf " %12s", v
			}
			printf "\n"
		}
	}' "${outs[@]}"
