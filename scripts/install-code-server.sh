#!/usr/bin/env bash
# Installs code-server (the VS Code host our integration tests run in) into .cache/code-server/.
#
# Why code-server: @vscode/test-electron downloads VS Code from update.code.visualstudio.com, which is not
# reachable here; code-server comes from the npm registry and runs the same Node extension host.
# Why 4.100.3: the last line that runs on Node 20; it bundles VS Code 1.100.3 (our engines.vscode floor).
#
# Its postinstall builds VS Code's native modules (kerberos needs libkrb5-dev) and @vscode/ripgrep downloads
# rg from GitHub, which we cannot reach: we pre-seed that download's cache with Debian's rg instead.
#
# Idempotent: a marker written after a verified install skips everything on the next run.
# Env: CODE_SERVER_CACHE (default <repo>/.cache/code-server), CODE_SERVER_FORCE=1 to reinstall.
# --check: exit 0 when an install was completed (the marker), else 1; quick and silent, for setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.100.3
# @vscode/ripgrep version used by code-server 4.100.3's bundled VS Code, and the asset its postinstall fetches.
RG_PKG_VERSION=1.15.11
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

CACHE="${CODE_SERVER_CACHE:-$PWD/.cache/code-server}"
MARKER="$CACHE/.installed-$VERSION"
BIN="$CACHE/node_modules/.bin/code-server"
PKG_DIR="$CACHE/node_modules/code-server"

# The marker only, not verify(): verify runs code-server (about a second), too slow for every npm test.
if [ "${1:-}" = --check ]; then [ "${CODE_SERVER_FORCE:-}" != 1 ] && [ -f "$MARKER" ] && [ -x "$BIN" ]; exit; fi

say() { echo "install-code-server: $*"; }
die() { echo "install-code-server: ERROR: $*" >&2; exit 1; }

# Checks that the install is usable, not just present: the postinstall really ran (VS Code's own
# node_modules and the seeded rg are there) and the binary reports the expected version.
verify() {
  [ -x "$BIN" ] || { echo "missing $BIN"; return 1; }
  local v
  v="$(node -p "require('$PKG_DIR/package.json').version" 2>/dev/null)" || { echo "no package.json"; return 1; }
  [ "$v" = "$VERSION" ] || { echo "installed version $v, want $VERSION"; return 1; }
  [ -d "$PKG_DIR/lib/vscode/node_modules" ] || { echo "lib/vscode/node_modules missing: postinstall did not run"; return 1; }
  [ -x "$PKG_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] || { echo "bundled rg missing: ripgrep postinstall failed"; return 1; }
  local out
  # XDG_* keep code-server from writing a default config (with a password) into the user's home.
  out="$(XDG_CONFIG_HOME="$CACHE/xdg/config" XDG_DATA_HOME="$CACHE/xdg/data" "$BIN" --version 2>&1)" ||
    { echo "code-server --version failed: $out"; return 1; }
  grep -q "^$VERSION " <<<"$out" || { echo "code-server --version said: $out"; return 1; }
  return 0
}

if [ "${CODE_SERVER_FORCE:-}" != 1 ] && [ -f "$MARKER" ]; then
  if why="$(verify)"; then
    say "code-server $VERSION already installed in $CACHE"
    exit 0
  fi
  say "cached install is broken ($why); reinstalling"
fi

command -v node >/dev/null || die "node is not on PATH (need Node 20)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || say "warning: Node $node_major; code-server $VERSION is built for Node 20"

# System packages the postinstall needs. setup.sh installs them; we only check, so this script stays usable
# on its own and says exactly what is missing.
missing=()
for p in libkrb5-dev ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] || die "missing apt packages: ${missing[*]} (run: apt-get install -y ${missing[*]}, or bash scripts/setup.sh)"
RG="$(command -v rg)" || die "rg not on PATH although ripgrep is installed"

# Start clean: a half-finished earlier install (interrupted postinstall) would look "up to date" to npm.
rm -rf "$MARKER" "$CACHE/node_modules" "$CACHE/package-lock.json"
mkdir -p "$CACHE"
# Our own TMPDIR: the ripgrep postinstall looks for its download in $TMPDIR/vscode-ripgrep-cache-<ver>/, and
# deletes the file when anything fails, so it is re-seeded on every install.
export TMPDIR="$CACHE/tmp"
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION"
mkdir -p "$RG_CACHE"
# The postinstall runs `tar xvf <asset> -C bin/` and expects `rg` at the archive's top level.
stage="$(mktemp -d)"
cp "$RG" "$stage/rg"
tar -czf "$RG_CACHE/$RG_ASSET" -C "$stage" rg
rm -rf "$stage"
say "seeded $RG_CACHE/$RG_ASSET with $RG ($("$RG" --version 2>/dev/null | sed -n 1p))"

# A package.json of our own makes the cache a project, so npm installs into it (not into the repo) and
# reads its allowScripts policy. npm 11 warns about (and with strict-allow-scripts refuses) install scripts
# of packages not listed there; code-server's postinstall is the point of this install, so allow it.
cat >"$CACHE/package.json" <<EOF
{
  "name": "code-server-cache",
  "private": true,
  "description": "code-server for the integration tests; written by scripts/install-code-server.sh",
  "allowScripts": { "code-server": true }
}
EOF

# code-server's postinstall runs nested `npm install`s in lib/vscode and lib/vscode/extensions, with their
# own package.json files we cannot annotate; the env settings below reach those child npms too.
#   yes / unsafe_perm: no prompts, and lifecycle scripts keep running as root (CI runs as root).
#   dangerously_allow_all_scripts: npm 11's allowScripts policy must not skip VS Code's native builds
#   (kerberos, node-pty, @parcel/watcher...) or the ripgrep postinstall. Scoped to this pinned install only.
say "npm install --prefix $CACHE code-server@$VERSION (about a minute: builds VS Code's native modules)"
start=$SECONDS
if ! npm_config_yes=true npm_config_unsafe_perm=true npm_config_dangerously_allow_all_scripts=true \
  npm_config_strict_allow_scripts=false npm_config_update_notifier=false \
  npm install --prefix "$CACHE" --no-audit --no-fund "code-server@$VERSION"; then
  die "npm install code-server@$VERSION failed (see the npm output above; a native build error usually means a missing apt package: libkrb5-dev, make, g++)"
fi
say "npm install took $((SECONDS - start))s"

if ! why="$(verify)"; then
  die "code-server installed but is not usable: $why"
fi
touch "$MARKER"
say "code-server $VERSION ready: $BIN"
