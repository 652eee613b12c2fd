#!/usr/bin/env bash
# Benchmarks of security events and audit findings (issue 5) at synth scale: 50,000 events and
# 10,000 findings over ten years in an organisation of 10,000 people and 20 departments, on SQLite.
# Measures the figures page (counts per department and kind for a fiscal year and the previous one,
# five years of human-error share, and findings per party and department), the event, finding and
# audit lists, and reporting an event through the API as staff. Needs wrk and curl.
# Markdown on standard output. BENCH_DB=path reuses a database built by an earlier run.
DURATION="${DURATION:-10s}"
PORT="${PORT:-18099}"
source "$(dirname "$0")/lib.sh"
if [ -n "${BENCH_DB:-}" ]; then
  DB="sqlite://$BENCH_DB"
  synth="(reused $BENCH_DB)"
else
  DB="sqlite://$WORK/events.db"
  s0=$(date +%s.%N)
  "$BIN" --database-url "$DB" synth --people 10000 --departments 20 --years 10 --seed 1 --events 50000 --findings 10000 >&2
  synth="$(echo "$(date +%s.%N) - $s0" | bc -l | xargs printf '%.0f') s"
fi
serve "$DB" "$PORT"
ISMS=$(token isms-manager@synth.example)
STAFF=$(token staff@synth.example)
events=$(curl -fs -H "Authorization: Bearer $ISMS" "$B/api/v1/security-events?limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$B/o/synth/event-figures" > "$WORK/figures.txt"
LIST="$B/o/synth/security-events?kind=near_miss&department=D003&sort=occurred_on&dir=desc"
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$LIST" > "$WORK/list.txt"
findings=$(curl -fs -H "Authorization: Bearer $ISMS" "$B/api/v1/findings?limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
FINDINGS="$B/o/synth/findings?grade=major,minor&department=D003&sort=code&dir=desc"
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$FINDINGS" > "$WORK/findings.txt"
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$B/o/synth/audits" > "$WORK/audits.txt"
TODAY=$(date +%F)
BODY="{\"kind\":\"near_miss\",\"occurred_on\":\"$TODAY\",\"description\":\"ベンチマークの報告\",\"cause\":\"human_error\"}"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$B/api/v1/security-events" -H "Authorization: Bearer $STAFF" \
  -H 'content-type: application/json' -d "$BODY")
[ "$code" = 201 ] || { echo "reporting an event as staff: $code" >&2; exit 1; }
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $STAFF"
LUA
wrk -t1 -c1 -d"$DURATION" --latency -s "$WORK/post.lua" "$B/api/v1/security-events" > "$WORK/post.txt"

cat <<MD
| measure (sqlite, $events events, $findings findings) | result | target |
|---|---|---|
| figures page (the report's sections with figures, from its own queries), 1 connection: p50 / p99 | $(p 50% "$WORK/figures.txt") / $(p 99% "$WORK/figures.txt") | (the report model's own queries since issue 16) |
| event list \`kind=near_miss&department=D003\`, newest first, 50 a page: p50 / p99 | $(p 50% "$WORK/list.txt") / $(p 99% "$WORK/list.txt") | p50 ≤ 20 ms |
| finding list \`grade=major,minor&department=D003\`, 50 a page: p50 / p99 | $(p 50% "$WORK/findings.txt") / $(p 99% "$WORK/findings.txt") | p50 ≤ 20 ms |
| audit list, first page: p50 / p99 | $(p 50% "$WORK/audits.txt") / $(p 99% "$WORK/audits.txt") | p50 ≤ 20 ms |
| reporting an event \`POST /api/v1/security-events\` as staff, one client: p50 | $(p 50% "$WORK/post.txt") ($(rps "$WORK/post.txt") req/s) | p50 ≤ 20 ms |
| \`mamori synth\` with 50,000 events and 10,000 findings (10,000 people, ten years) | $synth | |
MD
