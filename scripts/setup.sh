#!/usr/bin/env bash
# Create .venv with the exact versions in constraints.txt. Quick when nothing changed.
# AIROI_EXTRAS picks the optional dependencies (default dev; test.sh adds spark).
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3 python; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
    exit 1
}

if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$(find_python)" -m venv .venv
fi
extras="${AIROI_EXTRAS:-dev}"
stamp=".venv/.installed-$( (cat constraints.txt pyproject.toml; echo "$extras") | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "==> installing pinned dependencies into .venv (first time: about a minute)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$extras]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
