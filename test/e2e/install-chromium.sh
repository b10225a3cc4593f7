#!/usr/bin/env bash
# Installs Debian's Chromium for the editor test once and prints its path; playwright-core drives it and never
# downloads a browser of its own. Quiet unless apt fails.
set -euo pipefail
browser=/usr/bin/chromium
if [ ! -x "$browser" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! { $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
fi
echo "$browser"
