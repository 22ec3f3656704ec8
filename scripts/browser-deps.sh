#!/usr/bin/env bash
# The browser tests drive Debian's Chromium by path (Playwright's own browser download cannot
# be used here). Install it when it is missing: as root on a fresh Debian machine, as in CI.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "installing Debian's chromium for the browser tests"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium fonts-liberation
test -x "$CHROMIUM"
