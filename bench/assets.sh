#!/usr/bin/env bash
# Benchmarks of the asset register (issue 4) at synth scale: 100,000 assets with 1,000,000 handling
# records, 5,000 devices and 500 keys, on SQLite. Measures the filtered asset list (as the
# secretariat, and as staff, who see confidential assets only where they are handlers), the asset
# page with its last 50 handling records, recording handling through the API from one client, and
# the XLSX export and import of all 100,000 assets, and a label sheet of 999 devices. Needs wrk, curl
# and pdfinfo (poppler-utils). Markdown on standard output.
# BENCH_DB=path reuses a database built by an earlier run (synth takes a quarter of an hour).
DURATION="${DURATION:-10s}"
PORT="${PORT:-18098}"
source "$(dirname "$0")/lib.sh"
if [ -n "${BENCH_DB:-}" ]; then
  DB="sqlite://$BENCH_DB"
  synth="(reused $BENCH_DB)"
else
  DB="sqlite://$WORK/assets.db"
  s0=$(date +%s.%N)
  "$BIN" --database-url "$DB" synth --people 10000 --departments 20 --years 10 --seed 1 \
    --assets 100000 --handling-per-asset 10 --devices 5000 --keys 500 >&2
  synth="$(echo "$(date +%s.%N) - $s0" | bc -l | xargs printf '%.0f') s"
fi
# A second organisation with the same departments and people, to import the assets into.
TARGET="import$(date +%s)"
"$BIN" --database-url "$DB" synth --slug "$TARGET" --people 10000 --departments 20 --years 1 --seed 1 >&2

serve "$DB" "$PORT"
ISMS=$(token isms-manager@synth.example)
STAFF=$(token staff@synth.example)
ISMS2=$(token "isms-manager@$TARGET.example")

LIST="$B/o/synth/assets?classification=confidential&department=D003&sort=name"
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$LIST" > "$WORK/list-isms.txt"
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $STAFF" "$LIST" > "$WORK/list-staff.txt"
ID=$(curl -fs -H "Authorization: Bearer $ISMS" "$B/api/v1/assets?q=A0000001&limit=1" | sed -E 's/.*"id":([0-9]+).*/\1/')
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$B/o/synth/assets/$ID" > "$WORK/detail.txt"
TODAY=$(date +%F)
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"asset":"A0000001","kind":"viewing","occurred_on":"$TODAY"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $STAFF"
LUA
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$B/api/v1/handling-records" -H "Authorization: Bearer $STAFF" \
  -H 'content-type: application/json' -d "{\"asset\":\"A0000001\",\"kind\":\"viewing\",\"occurred_on\":\"$TODAY\"}")
[ "$code" = 201 ] || { echo "recording handling as staff: $code" >&2; exit 1; }
wrk -t1 -c1 -d"$DURATION" --latency -s "$WORK/post.lua" "$B/api/v1/handling-records" > "$WORK/post.txt"

e0=$(date +%s.%N)
curl -fs -H "Authorization: Bearer $ISMS" -o "$WORK/assets.xlsx" "$B/o/synth/assets/export.xlsx"
export_s=$(echo "$(date +%s.%N) - $e0" | bc -l)
rows=$(curl -fs -H "Authorization: Bearer $ISMS" "$B/api/v1/assets?limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
# A label sheet of the 999 devices whose label holds DEV-00 (DEV-00001 … DEV-00999), over HTTP.
l0=$(date +%s.%N)
curl -fs -H "Authorization: Bearer $ISMS" -o "$WORK/labels.pdf" "$B/o/synth/devices/labels.pdf?q=DEV-00"
labels_s=$(echo "$(date +%s.%N) - $l0" | bc -l)
label_pages=$(pdfinfo "$WORK/labels.pdf" | awk '/^Pages/ {print $2}')
i0=$(date +%s.%N)
import_code=$(curl -s -o "$WORK/import.html" -w '%{http_code}' -H "Authorization: Bearer $ISMS2" \
  -F "file=@$WORK/assets.xlsx" "$B/o/$TARGET/assets/import")
import_s=$(echo "$(date +%s.%N) - $i0" | bc -l)
imported=$(curl -fs -H "Authorization: Bearer $ISMS2" -H "x-mamori-organization: $TARGET" "$B/api/v1/assets?limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/')

cat <<MD
| measure (sqlite) | result | target |
|---|---|---|
| asset list \`classification=confidential&department=D003&sort=name\`, 50 a page, 1 connection: p50 / p99 as the secretariat | $(p 50% "$WORK/list-isms.txt") / $(p 99% "$WORK/list-isms.txt") | p50 ≤ 20 ms |
| the same list as staff (confidential assets only where a handler) | $(p 50% "$WORK/list-staff.txt") / $(p 99% "$WORK/list-staff.txt") | p50 ≤ 20 ms |
| asset page with its last 50 handling records, 1 connection: p50 | $(p 50% "$WORK/detail.txt") | ≤ 10 ms |
| recording a handling event \`POST /api/v1/handling-records\`, one client | $(rps "$WORK/post.txt") req/s (p50 $(p 50% "$WORK/post.txt")) | ≥ 500/s |
| label sheet PDF of 999 devices with a QR code each (\`devices/labels.pdf?q=DEV-00\`, $label_pages pages) | $(printf '%.2f' "$labels_s") s | 500 labels ≤ 2 s |
| XLSX export of $rows assets | $(printf '%.1f' "$export_s") s ($(( $(stat -c %s "$WORK/assets.xlsx") / 1024 / 1024 )) MiB) | ≤ 10 s |
| XLSX import of those assets into another organisation (HTTP $import_code, $imported imported) | $(printf '%.1f' "$import_s") s | ≤ 15 s |
| \`mamori synth\` with 100,000 assets and 1,000,000 handling records | $synth | |
MD
