#!/usr/bin/env bash
# Benchmarks against the release binary on this machine: a synthetic organisation of 10,000 people
# with ten years of training records (SQLite by default), the people list page (p50), GET /api/v1/people?limit=100 over 4 connections,
# cold start to the first 200, idle RSS and the binary's size. Server and load generator share the
# machine's cores. Needs wrk (apt-get install wrk). Results go to standard output as Markdown.
PEOPLE="${PEOPLE:-10000}"
DURATION="${DURATION:-15s}"
PORT="${PORT:-18099}"
source "$(dirname "$0")/lib.sh"
# MAMORI_BENCH_DATABASE_URL names an empty PostgreSQL database to measure that backend instead.
DB="${MAMORI_BENCH_DATABASE_URL:-sqlite://$WORK/bench.db}"
synth_start=$(date +%s.%N)
"$BIN" --database-url "$DB" synth --people "$PEOPLE" --departments 20 --years 10 --seed 1 >&2
synth_end=$(date +%s.%N)

# Cold start: from exec to the first 200 on the sign-in page.
start=$(date +%s.%N)
serve "$DB" "$PORT"
ready=$(date +%s.%N)
sleep 2
rss_idle=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)

TOKEN=$(token isms-manager@synth.example)
AUTH="Authorization: Bearer $TOKEN"

page=$(wrk -t1 -c1 -d"$DURATION" --latency -H "$AUTH" "http://127.0.0.1:$PORT/o/synth/people" | tee "$WORK/page.txt")
api=$(wrk -t2 -c4 -d"$DURATION" --latency -H "$AUTH" "http://127.0.0.1:$PORT/api/v1/people?limit=100" | tee "$WORK/api.txt")
completion=$(wrk -t1 -c1 -d"$DURATION" --latency -H "$AUTH" -H "Cookie: mamori_fy=$(( $(date +%Y) - 2 ))" "http://127.0.0.1:$PORT/o/synth/training/completion" | tee "$WORK/completion.txt")
training=$(wrk -t1 -c1 -d"$DURATION" --latency -H "$AUTH" "http://127.0.0.1:$PORT/o/synth/attendances" | tee "$WORK/training.txt")
STAFF=$(token staff@synth.example)
read -r submit_p50 submit_p99 < <(node bench/attempts.mjs "http://127.0.0.1:$PORT" "$STAFF" 300)
rss_after=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)

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
