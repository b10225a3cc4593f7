#!/usr/bin/env bash
# Installs a real n8n (1.x on the system Node) once into a cache folder outside the repo and prints its bin path.
# Overrides: xlsx comes from a CDN that is not on the npm registry; isolated-vm 6+ needs Node 22.
set -euo pipefail
version="${N8N_VERSION:-1.123.81}"
root="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-filestack}/n8n-$version"
bin="$root/node_modules/.bin/n8n"
if [ ! -x "$bin" ] || ! "$bin" --version >/dev/null 2>&1; then
  mkdir -p "$root"
  cat > "$root/package.json" <<JSON
{ "name": "n8n-host", "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5", "isolated-vm": "5.0.4" } }
JSON
  nodedir="$(dirname "$(dirname "$(command -v node)")")"
  (cd "$root" && npm_config_nodedir="$nodedir" npm install --no-audit --no-fund --loglevel=error >&2)
fi
echo "$bin"
