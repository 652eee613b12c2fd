#!/usr/bin/env bash
# Generates requests from the OpenAPI document (schemathesis) against a demo server and fails on any
# server error, undocumented status, wrong content type or response that does not match its schema.
# Usage: MAMORI_BIN=path/to/mamori e2e/api-fuzz.sh   (needs: pip install schemathesis==4.32.5)
set -euo pipefail
BIN="${MAMORI_BIN:-target/debug/mamori}"
OUT=$(mktemp)
MAMORI_LOG=warn "$BIN" demo --bind 127.0.0.1:0 >"$OUT" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -f "$OUT"' EXIT
for _ in $(seq 1 120); do grep -q "open:" "$OUT" && break; sleep 0.5; done
URL=$(sed -nE 's/.*open: +(http:\/\/[^ ]+)\/$/\1/p' "$OUT")
[ -n "$URL" ] || { cat "$OUT"; echo "the demo did not start" >&2; exit 1; }
TOKEN=$(curl -fs -X POST "$URL/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email":"isms@sajeco.example","password":"mamori-demo"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
python3 -m schemathesis.cli run "$URL/api/v1/openapi.json" -H "Authorization: Bearer $TOKEN" --max-examples 40 --seed 1 \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
