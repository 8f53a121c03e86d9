#!/usr/bin/env bash
# Old DuckDB clients, each in its own folder (PYTHONPATH=<folder>), for the serving file's
# compatibility tests (test.sh only). Reinstalled only when scripts/duckdb-clients.txt
# changes.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=".venv/duckdb-clients"
clients_stamp="$clients/.installed-$(sha256sum < scripts/duckdb-clients.txt | cut -c1-16)"
if [ ! -f "$clients_stamp" ]; then
    echo "==> installing the DuckDB clients in scripts/duckdb-clients.txt"
    rm -rf "$clients"
    for version in $(grep -v '^#' scripts/duckdb-clients.txt); do
        # --no-warn-conflicts: pip would compare each client with the venv's duckdb 2.0.
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-warn-conflicts \
            --target "$clients/$version" "duckdb==$version"
    done
    touch "$clients_stamp"
fi
