#!/usr/bin/env bash
# Benchmarks against the release binary on this machine: a synthetic organisation of 10,000 people
# with ten years of training records (SQLite by default), the people list page (p50), GET /api/v1/people?limit=100 over 4 connections,
# cold start to the first 200, idle RSS and the binary's size. Server and load generator share the
# machine's cores. Needs wrk (apt-get install wrk). Results go to standard output as Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/mamori-target}"
BIN="$CARGO_TARGET_DIR/release/mamori"
PEOPLE="${PEOPLE:-10000}"
DURATION="${DURATION:-15s}"
PORT="${PORT:-18099}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release --bin mamori >&2

WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
# MAMORI_BENCH_DATABASE_URL names an empty PostgreSQL database to measure that backend instead.
DB="${MAMORI_BENCH_DATABASE_URL:-sqlite://$WORK/bench.db}"
export MAMORI_LOG=warn
synth_start=$(date +%s.%N)
"$BIN" --database-url "$DB" synth --people "$PEOPLE" --departments 20 --years 10 --seed 1 >&2
synth_end=$(date +%s.%N)

# Cold start: from exec to the first 200 on the sign-in page.
start=$(date +%s.%N)
"$BIN" --database-url "$DB" serve --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/login"; do sleep 0.005; done
ready=$(date +%s.%N)
sleep 2
rss_idle=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)

TOKEN=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email":"isms-manager@synth.example","password":"mamori-demo"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
AUTH="Authorization: Bearer $TOKEN"

page=$(wrk -t1 -c1 -d"$DURATION" --latency -H "$AUTH" "http://127.0.0.1:$PORT/o/synth/people" | tee "$WORK/page.txt")
api=$(wrk -t2 -c4 -d"$DURATION" --latency -H "$AUTH" "http://127.0.0.1:$PORT/api/v1/people?limit=100" | tee "$WORK/api.txt")
completion=$(wrk -t1 -c1 -d"$DURATION" --latency -H "$AUTH" -H "Cookie: mamori_fy=$(( $(date +%Y) - 2 ))" "http://127.0.0.1:$PORT/o/synth/training/completion" | tee "$WORK/completion.txt")
training=$(wrk -t1 -c1 -d"$DURATION" --latency -H "$AUTH" "http://127.0.0.1:$PORT/o/synth/attendances" | tee "$WORK/training.txt")
STAFF=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email":"staff@synth.example","password":"mamori-demo"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
read -r submit_p50 submit_p99 < <(node bench/attempts.mjs "http://127.0.0.1:$PORT" "$STAFF" 300)
rss_after=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)

p() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
cat <<MD
| measure ($(echo "$DB" | cut -d: -f1)) | result | target |
|---|---|---|
| people list page \`/o/synth/people\` (50 rows of $PEOPLE), 1 connection: p50 / p99 | $(p 50% "$WORK/page.txt") / $(p 99% "$WORK/page.txt") ($(rps "$WORK/page.txt") req/s) | p50 ≤ 10 ms |
| \`GET /api/v1/people?limit=100\`, 4 connections: throughput (p50) | $(rps "$WORK/api.txt") req/s ($(p 50% "$WORK/api.txt")) | ≥ 2,000 req/s |
| completion page (per course and per course × department, one fiscal year of ten years of attendance), 1 connection: p50 | $(p 50% "$WORK/completion.txt") | ≤ 50 ms (issue 3) |
| attendance list page \`/o/synth/attendances\`, 1 connection: p50 | $(p 50% "$WORK/training.txt") | ≤ 20 ms (issue 3) |
| submitting a test attempt (\`POST /api/v1/tests/attempts/{id}/answers\`, 300 rounds), 1 connection: p50 / p99 | $submit_p50 ms / $submit_p99 ms | p50 ≤ 20 ms (issue 3) |
| cold start to the first 200 | $(echo "($ready - $start) * 1000" | bc -l | xargs printf '%.0f') ms | ≤ 1 s |
| idle RSS after start / after the load | $((rss_idle / 1024)) MiB / $((rss_after / 1024)) MiB | idle ≤ 50 MiB |
| release binary size | $(( $(stat -c %s "$BIN") / 1024 / 1024 )) MiB | |
| \`mamori synth --people $PEOPLE\` | $(echo "$synth_end - $synth_start" | bc -l | xargs printf '%.1f') s | |
MD
