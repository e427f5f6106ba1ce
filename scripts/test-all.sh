#!/usr/bin/env bash
# The one test command (npm test): static checks first, then plain-Node tests, the firmware's C tests, the
# lab end-to-end tests, and finally the suites inside a real VS Code extension host.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo; echo "=== $* ==="; }
step typecheck; npm run -s typecheck
step lint; npm run -s lint
step "unit tests"; npm run -s test:unit
step "firmware tests"; npm run -s test:firmware
step "lab end-to-end tests"; npm run -s test:e2e
step "VS Code host tests"; npm run -s test:vscode
