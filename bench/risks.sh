#!/usr/bin/env bash
# Benchmarks of the risk register and the statement of applicability (issue 6) at synth scale:
# 20,000 risks (with links to the Annex A controls), ten years of continuity drills,
# external-incident reviews, change assessments and relaxation reviews, in an organisation of
# 10,000 people and 20 departments, on SQLite. Measures the risk list (first page, and filtered by
# level and department, newest code first) with wrk, and the statement of applicability as XLSX and
# PDF (93 lines with every linked rule and risk) with curl: several runs, the median. Needs wrk and
# curl. Markdown on standard output. BENCH_DB=path reuses a database built by an earlier run.
DURATION="${DURATION:-10s}"
PORT="${PORT:-18097}"
RUNS="${RUNS:-5}"
source "$(dirname "$0")/lib.sh"
if [ -n "${BENCH_DB:-}" ]; then
  DB="sqlite://$BENCH_DB"
  synth="(reused $BENCH_DB)"
else
  DB="sqlite://$WORK/risks.db"
  s0=$(date +%s.%N)
  "$BIN" --database-url "$DB" synth --people 10000 --departments 20 --years 10 --seed 1 --risks 20000 >&2
  synth="$(echo "$(date +%s.%N) - $s0" | bc -l | xargs printf '%.0f') s"
fi
serve "$DB" "$PORT"
ISMS=$(token isms-manager@synth.example)
total() { curl -fs -H "Authorization: Bearer $ISMS" "$B/api/v1/$1?limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/'; }
risks=$(total risks)
links=$(total risk-controls)
drills=$(total drills)

wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$B/o/synth/risks" > "$WORK/list.txt"
FILTERED="$B/o/synth/risks?level=I&department=D003&sort=code&dir=desc"
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$FILTERED" > "$WORK/filtered.txt"

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
xlsx=$(timed "$B/o/synth/soa.xlsx" "$WORK/soa.xlsx")
xlsx_size=$(du -k "$WORK/soa.xlsx" 2>/dev/null | cut -f1 || true)
pdf=$(timed "$B/o/synth/soa.pdf" "$WORK/soa.pdf")
pdf_size=$(du -k "$WORK/soa.pdf" 2>/dev/null | cut -f1 || true)
pages=$(pdfinfo "$WORK/soa.pdf" 2>/dev/null | awk '/^Pages/ {print $2}' || true)

cat <<MD
| measure (sqlite, $risks risks, $links risk–control links, $drills drills) | result | target |
|---|---|---|
| risk list \`/o/synth/risks\`, first page of 50 by code, 1 connection: p50 / p99 | $(p 50% "$WORK/list.txt") / $(p 99% "$WORK/list.txt") | p50 ≤ 20 ms |
| risk list \`level=I&department=D003&sort=code&dir=desc\`, 50 a page: p50 / p99 | $(p 50% "$WORK/filtered.txt") / $(p 99% "$WORK/filtered.txt") | p50 ≤ 20 ms |
| statement of applicability \`/o/synth/soa.xlsx\` (93 lines with their rules and risks), median of $RUNS | $xlsx (${xlsx_size:-?} KiB) | |
| statement of applicability \`/o/synth/soa.pdf\`, median of $RUNS | $pdf (${pdf_size:-?} KiB, ${pages:-?} pages) | |
| \`mamori synth\` with 20,000 risks (10,000 people, ten years) | $synth | |
MD
