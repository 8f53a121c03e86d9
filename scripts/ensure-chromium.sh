#!/usr/bin/env bash
# Debian's chromium for the dashboard's browser tests (Playwright's own browser download
# needs the internet; the system chromium does not).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing chromium (apt) for the dashboard tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    echo "The dashboard tests need Debian's chromium at /usr/bin/chromium:" >&2
    echo "  sudo apt-get install chromium" >&2
    exit 1
fi
