#!/usr/bin/env bash
# The one test command (npm test): static checks first, then plain-Node tests, the firmware's C tests, the
# lab end-to-end tests, and finally the suites inside a real VS Code extension host. The VSIX is packaged
# once; the installed-product tests (test/e2e/installed, the VS Code step) test that copy (ESPNOW_VSIX).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo; echo "=== $* ==="; }
step typecheck; npm run -s typecheck
step lint; npm run -s lint
step "unit tests"; npm run -s test:unit
step "firmware tests"; npm run -s test:firmware
step "package the VSIX users install"; npm run -s package
vsix_dir="$(mktemp -d)"
trap 'rm -rf "$vsix_dir"' EXIT
export ESPNOW_VSIX="$vsix_dir/$(node -p "const p = require('./package.json'); p.name + '-' + p.version + '.vsix'")"
cp "$(basename "$ESPNOW_VSIX")" "$ESPNOW_VSIX"
step "lab end-to-end tests"; npm run -s test:e2e
step "VS Code host tests"; npm run -s test:vscode
