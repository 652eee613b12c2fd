#!/usr/bin/env bash
# Search across registers (issue 19) at synth scale: 100,000 assets, 1,000,000 handling records
# and 50,000 security events in one organisation, on SQLite or PostgreSQL. Measures
# `GET /api/v1/search?q=` over one connection as the secretariat for a code, a rare phrase, a
# common word and two characters (fewer than a trigram), and the common word as staff.
# Markdown on standard output. Needs wrk and curl.
#   bench/search.sh                       SQLite, synth built here (about a quarter of an hour)
#   BENCH_DB=path bench/search.sh         reuses a SQLite database an earlier run built
#   BENCH_PG=postgres://…/db bench/search.sh   PostgreSQL (an empty database; synth fills it)
DURATION="${DURATION:-10s}"
PORT="${PORT:-18099}"
# ASSETS=… EVENTS=… for another scale (ten handling records an asset).
ASSETS="${ASSETS:-100000}"
EVENTS="${EVENTS:-50000}"
source "$(dirname "$0")/lib.sh"
if [ -n "${BENCH_PG:-}" ]; then
  DB="$BENCH_PG"; backend=postgresql
elif [ -n "${BENCH_DB:-}" ]; then
  DB="sqlite://$BENCH_DB"; backend=sqlite
else
  DB="sqlite://$WORK/search.db"; backend=sqlite
fi
synth="(reused)"
if [ -z "${BENCH_DB:-}" ]; then
  s0=$(date +%s.%N)
  "$BIN" --database-url "$DB" synth --people 10000 --departments 20 --years 10 --seed 1 \
    --assets "$ASSETS" --handling-per-asset 10 --events "$EVENTS" >&2
  synth="$(echo "$(date +%s.%N) - $s0" | bc -l | xargs printf '%.0f') s"
fi
serve "$DB" "$PORT"
ISMS=$(token isms-manager@synth.example)
STAFF=$(token staff@synth.example)
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
row() { # label, query, token
  local url="$B/api/v1/search?q=$(enc "$2")"
  local found
  found=$(curl -fs -H "Authorization: Bearer $3" "$url" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(sum(g["total"] for g in d["groups"]), "in", len(d["groups"]), "registers" + (" (capped)" if any(g["capped"] for g in d["groups"]) else ""))')
  wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $3" "$url" > "$WORK/s.txt"
  echo "| $1: \`$2\` | $found | $(p 50% "$WORK/s.txt") / $(p 99% "$WORK/s.txt") |"
}
echo "| search ($backend, $ASSETS assets, $EVENTS events), 1 connection | found | p50 / p99 (target p50 ≤ 100 ms) |"
echo "|---|---|---|"
row "an asset by its code" "A0012345" "$ISMS"
row "a rare phrase" "情報資産 12345" "$ISMS"
row "a common word (every event)" "の内容" "$ISMS"
row "a common word (every transfer's recipient)" "取引先" "$ISMS"
row "two characters (no trigram: read one by one)" "事象" "$ISMS"
row "the common word as staff" "の内容" "$STAFF"
echo
echo "synth: $synth"
