#!/usr/bin/env bash
# Benchmarks of the yearly information security report (issue 7) at synth scale: 1,000 people,
# 20 departments, ten years, 100,000 assets with 1,000,000 handling records, 50,000 events,
# 10,000 findings and 20,000 risks (with the years' drills, external-incident reviews, change
# assessments and relaxation reviews), on SQLite. Measures, for the fiscal year YEAR (default the
# middle of the ten), the report's page `/o/synth/reports/YEAR` with wrk as the ISMS manager, the
# PDF and DOCX from its files route with curl (median of RUNS), `mamori report --format pdf` once,
# and the PDF's size. Needs wrk and curl. Markdown on standard output.
# BENCH_DB=path reuses the database at path, or builds it there (and keeps it) when it is missing.
DURATION="${DURATION:-10s}"
PORT="${PORT:-18095}"
RUNS="${RUNS:-5}"
YEAR="${YEAR:-$(( $(date +%Y) - 5 ))}"
source "$(dirname "$0")/lib.sh"
SYNTH=(--people 1000 --departments 20 --years 10 --seed 1 --assets 100000 --handling-per-asset 10
  --events 50000 --findings 10000 --risks 20000)
if [ -n "${BENCH_DB:-}" ] && [ -s "$BENCH_DB" ]; then
  DB="sqlite://$BENCH_DB"
  synth="(reused $BENCH_DB)"
else
  DB="sqlite://${BENCH_DB:-$WORK/report.db}"
  s0=$(date +%s.%N)
  "$BIN" --database-url "$DB" synth "${SYNTH[@]}" >&2
  synth="$(echo "$(date +%s.%N) - $s0" | bc -l | xargs printf '%.0f') s"
fi
serve "$DB" "$PORT"
ISMS=$(token isms-manager@synth.example)
total() { curl -fs -H "Authorization: Bearer $ISMS" "$B/api/v1/$1?limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/'; }
people=$(total people)
assets=$(total assets)
handling=$(total handling-records)
events=$(total security-events)
findings=$(total findings)
risks=$(total risks)

PAGE="$B/o/synth/reports/$YEAR"
code=$(curl -s -o "$WORK/page.html" -w '%{http_code}' -H "Authorization: Bearer $ISMS" "$PAGE")
[ "$code" = 200 ] || { echo "the report's page: HTTP $code" >&2; exit 1; }
wrk -t1 -c1 -d"$DURATION" --latency --timeout 10s -H "Authorization: Bearer $ISMS" "$PAGE" > "$WORK/page.txt"

# timed URL FILE: the median of RUNS downloads of URL (seconds), or the HTTP status if not 200.
timed() {
  local code times=()
  code=$(curl -s -o "$2" -w '%{http_code}' -H "Authorization: Bearer $ISMS" "$1")
  [ "$code" = 200 ] || { echo "HTTP $code"; return; }
  for _ in $(seq "$RUNS"); do
    times+=("$(curl -fs -o "$2" -w '%{time_total}' -H "Authorization: Bearer $ISMS" "$1")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f s", a[int((NR+1)/2)]}'
}
FILES="$PAGE/files"
pdf=$(timed "$FILES/report.pdf" "$WORK/report.pdf")
pdf_size=$(du -k "$WORK/report.pdf" 2>/dev/null | cut -f1 || true)
pages=$(pdfinfo "$WORK/report.pdf" 2>/dev/null | awk '/^Pages/ {print $2}' || true)
docx=$(timed "$FILES/report.docx" "$WORK/report.docx")
docx_size=$(du -k "$WORK/report.docx" 2>/dev/null | cut -f1 || true)
json=$(timed "$FILES/report.json" "$WORK/report.json")

# The link walk: every figure's `records` (and a share's `of`) list through the API, one after the
# other, as an auditor's script would to check each figure; the lists' totals summed as a check.
jq -r '.drill_down[] | (.records // {}), (.of // {}) | .[]?' "$WORK/report.json" > "$WORK/links"
w0=$(date +%s.%N)
while read -r link; do
  curl -fs -H "Authorization: Bearer $ISMS" "$B$link&limit=1" | jq -r .total
done < "$WORK/links" > "$WORK/totals"
walk="$(echo "$(date +%s.%N) - $w0" | bc -l | xargs printf '%.2f') s ($(wc -l < "$WORK/links") lists, $(paste -sd+ "$WORK/totals" | bc) records counted)"

c0=$(date +%s.%N)
"$BIN" --database-url "$DB" report --org synth --year "$YEAR" --format pdf --out "$WORK/cli.pdf" >&2
cli="$(echo "$(date +%s.%N) - $c0" | bc -l | xargs printf '%.2f') s"

cat <<MD
| measure (sqlite, FY$YEAR of ten years: $people people, $assets assets, $handling handling records, $events events, $findings findings, $risks risks) | result | target |
|---|---|---|
| report page \`/o/synth/reports/$YEAR\` (computed from the records, no revision), 1 connection: p50 / p99 | $(p 50% "$WORK/page.txt") / $(p 99% "$WORK/page.txt") ($(rps "$WORK/page.txt") req/s) | ≤ 300 ms |
| \`report.pdf\` over HTTP, median of $RUNS | $pdf (${pdf_size:-?} KiB, ${pages:-?} pages) | ≤ 3 s |
| \`report.docx\` over HTTP, median of $RUNS | $docx (${docx_size:-?} KiB) | ≤ 2 s |
| \`report.json\` over HTTP (the model alone), median of $RUNS | $json | |
| the link walk: every figure's \`records\` and \`of\` API list, one request after another | $walk | ≤ 10 s |
| \`mamori report --format pdf\` (opens the database, computes, typesets, writes), once | $cli | |
| \`mamori synth ${SYNTH[*]}\` | $synth | |
MD
