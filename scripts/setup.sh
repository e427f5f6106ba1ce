#!/usr/bin/env bash
# Installs what the project needs on a Debian/Ubuntu machine: system packages, npm dependencies and
# code-server (the VS Code host for integration tests), each only when it is missing.
#
#   bash scripts/setup.sh                 everything; says what it did
#   bash scripts/setup.sh --if-needed JOB the check `npm run demo` (JOB=demo) and `npm test` (JOB=test) start
#                                         with: silent and a few milliseconds when all is present, so a fresh
#                                         clone needs no step before the README's two commands
#
# Plain bash with no dependency: on a fresh clone it runs before node_modules exists.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang + lld (wasm-ld) + wasi-libc + libclang-rt-14-dev-wasm32 build the virtual boards' firmware (firmware/wasm).
# python3-serial (pySerial, which esptool is built on) is the independent RFC2217 client of the lab's conformance test.
APT_PACKAGES=(udev chromium libkrb5-dev ripgrep socat clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev llvm libmbedtls-dev cmake make gcc python3-serial tshark)

quiet=0; job=all
if [ "${1:-}" = --if-needed ]; then quiet=1; job="${2:-all}"; fi
case "$job" in demo|test|all) ;; *) echo "setup: unknown job '$job' (demo, test or all)" >&2; exit 2 ;; esac

# One dpkg-query for all packages: per-package `dpkg -s` costs ~10 ms each. Without dpkg (not Debian) the
# packages cannot be installed from here anyway; the build then says what it lacks.
missing_apt() {
  command -v dpkg-query >/dev/null || return 0
  local -A have=()
  local status name p
  while read -r status name; do [ "$status" = ii ] && have[$name]=1; done \
    < <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)
  for p in "${APT_PACKAGES[@]}"; do [ -n "${have[$p]:-}" ] || echo "$p"; done
}

# npm writes node_modules/.package-lock.json at the end of every install: older than package-lock.json
# means the lock file changed since (a pull), absent means no complete install.
npm_stale() {
  [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]
}

mapfile -t need_apt < <(missing_apt)
need_npm=0; [ "${SKIP_NPM:-}" = 1 ] || ! npm_stale || need_npm=1
need_cs=0
if [ "$job" != demo ] && [ "${SKIP_CODE_SERVER:-}" != 1 ] && ! bash scripts/install-code-server.sh --check; then need_cs=1; fi

if [ ${#need_apt[@]} -eq 0 ] && [ $need_npm = 0 ] && [ $need_cs = 0 ]; then
  [ $quiet = 1 ] || echo "setup: everything is present"
  exit 0
fi

start=$SECONDS
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if [ $need_npm = 1 ]; then
  echo "setup: npm ci (node_modules is missing or older than package-lock.json)"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
if [ $need_cs = 1 ]; then
  bash scripts/install-code-server.sh
fi
echo "setup: done in $((SECONDS - start)) s"
