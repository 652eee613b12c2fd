#!/usr/bin/env bash
# Generates requests from the OpenAPI document (schemathesis, every check) against a demo server and
# fails on any server error, undocumented status, wrong content type, response that does not match
# its schema, request the schema forbids that is accepted, or schema-valid request refused for a
# reason the schema could state (see e2e/schemathesis.toml).
# Usage: MAMORI_BIN=path/to/mamori e2e/api-fuzz.sh [ROLE [EXAMPLES [DATABASE_URL]]]
#   ROLE: isms (default) or staff, whose bearer token is used; DATABASE_URL: an empty database
#   (default: a temporary SQLite file). Needs: pip install schemathesis==4.32.5
set -euo pipefail
cd "$(dirname "$0")"
BIN="${MAMORI_BIN:-../target/debug/mamori}"
ROLE="${1:-isms}"
EXAMPLES="${2:-20}"
DB=()
[ -n "${3:-}" ] && DB=(--database-url "$3")
OUT=$(mktemp)
MAMORI_LOG=warn "$BIN" demo "${DB[@]}" --bind 127.0.0.1:0 >"$OUT" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -f "$OUT"' EXIT
for _ in $(seq 1 240); do grep -q "open:" "$OUT" && break; sleep 0.5; done
URL=$(sed -nE 's/.*open: +(http:\/\/[^ ]+)\/$/\1/p' "$OUT")
[ -n "$URL" ] || { cat "$OUT"; echo "the demo did not start" >&2; exit 1; }
TOKEN=$(curl -fs -X POST "$URL/api/v1/auth/token" -H 'content-type: application/json' \
  -d "{\"email\":\"$ROLE@sajeco.example\",\"password\":\"mamori-demo\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
echo "schemathesis as $ROLE, $EXAMPLES examples, ${3:-SQLite}"
python3 -m schemathesis.cli --config-file schemathesis.toml run "$URL/api/v1/openapi.json" \
  -H "Authorization: Bearer $TOKEN" --max-examples "$EXAMPLES" --seed 1 --checks all
