#!/usr/bin/env bash
# Installs a real n8n (1.x on the system Node) once into a cache folder outside the repo and prints its bin path.
# Overrides: xlsx comes from a CDN that is not on the npm registry; isolated-vm 6+ needs Node 22.
set -euo pipefail
version="${N8N_VERSION:-1.123.81}"
cache="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-filestack}"
root="$cache/n8n-$version"
bin="$root/node_modules/.bin/n8n"

# Complete means: the CLI runs and both native modules (sqlite3, isolated-vm) were built and load.
installed() {
  [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1 &&
    (cd "$root" && node -e "require('sqlite3'); require('isolated-vm')" >/dev/null 2>&1)
}

mkdir -p "$cache"
# One install at a time (parallel test workers); the others wait for it and then find it complete.
exec 9>"$root.lock"
flock 9
if ! installed; then
  mkdir -p "$root"
  cat > "$root/package.json" <<JSON
{ "name": "n8n-host", "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5", "isolated-vm": "5.0.4" } }
JSON
  nodedir="$(dirname "$(dirname "$(command -v node)")")"
  # Run from an npm script, npm passes this repository's .npmrc on as npm_config_* variables: n8n needs its
  # install scripts (native builds) and its normal peer resolution, so both are set explicitly.
  (cd "$root" && npm_config_nodedir="$nodedir" npm install --no-audit --no-fund --loglevel=error \
    --ignore-scripts=false --legacy-peer-deps=false >&2)
  installed || { echo "n8n $version installed in $root but does not run" >&2; exit 1; }
fi
echo "$bin"
