#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine: system packages, npm dependencies and
# code-server (the VS Code host for integration tests). Idempotent: re-running skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang + lld (wasm-ld) + wasi-libc + libclang-rt-14-dev-wasm32 build the virtual boards' firmware (firmware/wasm).
APT_PACKAGES=(udev chromium libkrb5-dev ripgrep socat clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev llvm libmbedtls-dev cmake make gcc)

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ "${SKIP_NPM:-}" != 1 ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

if [ "${SKIP_CODE_SERVER:-}" != 1 ]; then
  bash scripts/install-code-server.sh
fi
echo "setup: done"
