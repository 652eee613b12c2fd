# Shared by the benchmark scripts (source it): the release binary, a work folder removed on exit
# with the server it started, sign-in tokens and wrk's figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/mamori-target}"
export MAMORI_LOG=warn
# MAMORI_BIN: a release binary already built (else it is built here).
BIN="${MAMORI_BIN:-$CARGO_TARGET_DIR/release/mamori}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -n "${MAMORI_BIN:-}" ] || cargo build --release --bin mamori >&2
WORK=$(mktemp -d)
SERVER=
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

# serve DATABASE_URL PORT: starts the server and waits for it; B is its address.
serve() {
  "$BIN" --database-url "$1" serve --bind "127.0.0.1:$2" >/dev/null 2>&1 &
  SERVER=$!
  B="http://127.0.0.1:$2"
  until curl -fs -o /dev/null "$B/login"; do sleep 0.005; done
}
# token EMAIL: an API token of a synth account (password mamori-demo).
token() { curl -fs -X POST "$B/api/v1/auth/token" -H 'content-type: application/json' \
  -d "{\"email\":\"$1\",\"password\":\"mamori-demo\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'; }
# p PERCENTILE FILE, rps FILE: from wrk --latency output.
p() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
