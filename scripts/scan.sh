#!/usr/bin/env bash
# n8n's verification scanner on this package, before it is published: installs @n8n/scan-community-package once into
# a cache folder outside the repository, builds, and runs scripts/scan.mjs (see there for what is and is not checked).
# Install scripts stay off: the scanner's lint plugin pulls n8n-workflow 2.x, whose native build needs Node 22+, and
# eslint-plugin-n8n-nodes-base has a pnpm-only preinstall guard. Neither is needed to lint.
set -euo pipefail
version="0.32.0"
scanner="${N8N_SCANNER_CACHE:-$HOME/.cache/n8n-nodes-filestack}/scanner-$version"

if [ ! -f "$scanner/node_modules/@n8n/scan-community-package/scanner/scanner.mjs" ]; then
  mkdir -p "$scanner"
  echo '{ "name": "scanner-host", "private": true }' > "$scanner/package.json"
  (cd "$scanner" && npm install "@n8n/scan-community-package@$version" --ignore-scripts --legacy-peer-deps=false \
    --no-audit --no-fund --loglevel=error >&2)
fi

cd "$(dirname "$0")/.."
npm run build > /dev/null
node scripts/scan.mjs "$scanner"
