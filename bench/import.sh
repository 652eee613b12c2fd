#!/usr/bin/env bash
# Issue 15: a large import does not stop the organisation. Starts the demo on a new database,
# uploads a CSV of ROWS security events through the import page as the secretariat, and meanwhile
# reports a near miss through the API as staff every 0.2 s. Prints the import's phases (from the
# server's log: checked without the write lock, waited for it, written under it), the upload's
# wall time, and how many of the reports made during the import succeeded and how slow they were.
# Issue 18: the same with REGISTER people: a file as the people template gives it (Japanese headers,
# choices by name), 1,000 people in at most 5 s.
# Usage: bench/import.sh [ROWS] [REGISTER]   (REGISTER: security-events, the default, or people;
#   MAMORI_BENCH_DATABASE_URL=postgres://…/empty_db for PostgreSQL)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/mamori-target}"
ROWS="${1:-100000}"
REGISTER="${2:-security-events}"
# MAMORI_BIN: a release binary already built (else it is built here).
BIN="${MAMORI_BIN:-$CARGO_TARGET_DIR/release/mamori}"
[ -n "${MAMORI_BIN:-}" ] || cargo build --release --bin mamori >&2
WORK=$(mktemp -d)
SERVER=
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="${MAMORI_BENCH_DATABASE_URL:-sqlite://$WORK/bench.db}"
MAMORI_LOG=info "$BIN" --database-url "$DB" demo --bind 127.0.0.1:0 >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do grep -q "open:" "$WORK/server.log" && break; sleep 0.5; done
B=$(sed -nE 's/.*open: +(http:\/\/[^ ]+)\/$/\1/p' "$WORK/server.log")

if [ "$REGISTER" = people ]; then
  awk -v n="$ROWS" 'BEGIN { print "社員番号,氏名,雇用区分,所属部門,入社日";
    split("SOUMU ITGYOMU EIGYO", d, " ");
    for (i = 0; i < n; i++) printf "P%05d,取込 太郎%d,社員,%s,2025-%02d-01\n", i, i, d[i % 3 + 1], i % 12 + 1 }' >"$WORK/events.csv"
else
  awk -v n="$ROWS" 'BEGIN { print "kind,occurred_on,description,cause,reporter";
    for (i = 0; i < n; i++) printf "near_miss,2024-%02d-%02d,取り込み %d,human_error,0001\n", i % 12 + 1, i % 28 + 1, i }' >"$WORK/events.csv"
fi
echo "file: $ROWS rows, $(du -h "$WORK/events.csv" | cut -f1)"

JAR="$WORK/jar"
csrf() { sed -nE 's/.*name="csrf" value="([^"]+)".*/\1/p' | head -1; }
C=$(curl -fs -c "$JAR" "$B/login" | csrf)
curl -fs -b "$JAR" -c "$JAR" -o /dev/null -d "email=isms@sajeco.example&password=mamori-demo&csrf=$C&next=/" "$B/login"
C=$(curl -fs -b "$JAR" "$B/o/sajeco/$REGISTER/import" | csrf)
STAFF=$(curl -fs -X POST "$B/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email":"staff@sajeco.example","password":"mamori-demo"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

start=$(date +%s.%N)
curl -s -b "$JAR" -o "$WORK/import.html" -w '%{http_code}\n' -F "csrf=$C" -F "file=@$WORK/events.csv;type=text/csv" \
  "$B/o/sajeco/$REGISTER/import" >"$WORK/import.status" &
UPLOAD=$!
: >"$WORK/reports"
while kill -0 "$UPLOAD" 2>/dev/null; do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$B/api/v1/security-events" \
    -H "authorization: Bearer $STAFF" -H 'content-type: application/json' \
    -d '{"kind":"near_miss","occurred_on":"2026-11-26","cause":"human_error","description":"取り込み中の報告"}' >>"$WORK/reports"
  sleep 0.2
done
wait "$UPLOAD"
end=$(date +%s.%N)
echo "upload answered $(cat "$WORK/import.status") after $(echo "$end - $start" | bc) s"
# What the page said: the count imported, or the first error.
grep -oE '[0-9,]+ 件を取り込みました|class="alert error"[^<]*<[^<]*' "$WORK/import.html" | head -1
grep -E "imported" "$WORK/server.log" | sed -E 's/\x1b\[[0-9;]*m//g' | tail -1
awk '{ n++; if ($1 == 201) ok++; t[n] = $2 } END {
  asort(t); printf "reports during the import: %d, succeeded: %d, slowest %.2f s, median %.2f s\n", n, ok, t[n], t[int((n + 1) / 2)] }' "$WORK/reports"
