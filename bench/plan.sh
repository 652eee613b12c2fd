#!/usr/bin/env bash
# The annual plan (issue 20) at synth scale: 10,000 people in 20 departments over ten years. Times
# `mamori plan` making a fiscal year's tasks from the template's duties (and again, when it makes
# nothing), `mamori remind` for the month's last day (when every monthly task falls due) against a
# real SMTP server (aiosmtpd), then `GET /api/v1/tasks` (the open tasks, 100 a page) over one
# connection as the secretariat. Markdown on standard output. Needs wrk, curl and aiosmtpd.
#   bench/plan.sh                       SQLite
#   BENCH_PG=postgres://…/db bench/plan.sh   PostgreSQL (an empty database; synth fills it)
DURATION="${DURATION:-10s}"
PORT="${PORT:-18098}"
source "$(dirname "$0")/lib.sh"
if [ -n "${BENCH_PG:-}" ]; then
  DB="$BENCH_PG"; backend=postgresql
else
  DB="sqlite://$WORK/plan.db"; backend=sqlite
fi
"$BIN" --database-url "$DB" synth --people 10000 --departments 20 --years 10 --seed 1 >&2
YEAR=$(date +%Y)
timed() { local s0; s0=$(date +%s.%N); "$@" >&2; echo "$(date +%s.%N) - $s0" | bc -l | xargs printf '%.2f s'; }
first=$(timed "$BIN" --database-url "$DB" plan --org synth --year "$YEAR" --template)
again=$(timed "$BIN" --database-url "$DB" plan --org synth --year "$YEAR")
# The reminders of the month's last day, sent to an SMTP server on this machine.
DAY=$(date -d "$(date +%Y-%m-01) +1 month -1 day" +%F)
python3 -m aiosmtpd -n -l 127.0.0.1:18025 -c aiosmtpd.handlers.Mailbox "$WORK/mail" >/dev/null 2>&1 &
SMTPD=$!
until (echo > /dev/tcp/127.0.0.1/18025) 2>/dev/null; do sleep 0.1; done
remind=$(MAMORI_SMTP_URL=smtp://127.0.0.1:18025 timed "$BIN" --database-url "$DB" remind --as-of "$DAY")
sent=$(ls "$WORK/mail/new" 2>/dev/null | wc -l)
kill $SMTPD
serve "$DB" "$PORT"
ISMS=$(token isms-manager@synth.example)
url="$B/api/v1/tasks?task_status=open&limit=100"
total=$(curl -fs -H "Authorization: Bearer $ISMS" "$url" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $ISMS" "$url" > "$WORK/t.txt"
echo "| backend | make FY$YEAR's tasks | again (nothing to make) | \`remind --as-of $DAY\` (mails) | open tasks | \`GET /api/v1/tasks?task_status=open\` p50 / p99 |"
echo "|---|---|---|---|---|---|"
echo "| $backend | $first | $again | $remind ($sent) | $total | $(p 50% "$WORK/t.txt") / $(p 99% "$WORK/t.txt") |"
