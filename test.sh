#!/usr/bin/env bash
# Command 2: set up .venv, lint Python and SQL, run the whole test suite.
# Extra arguments go to pytest (e.g. -k ingestion). Two workers by default, one file each
# at a time, the Spark run first (AIROI_TEST_WORKERS=0 runs in one process).
set -euo pipefail
cd "$(dirname "$0")"
AIROI_EXTRAS=dev,spark bash scripts/setup.sh
bash scripts/setup-duckdb-clients.sh
bash scripts/ensure-chromium.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "==> ruff"
ruff check .
ruff format --check .
echo "==> sqlfluff"
sqlfluff lint dbt
echo "==> pytest"
workers="${AIROI_TEST_WORKERS:-2}"
if [ "$workers" = 0 ]; then
    pytest --durations=15 "$@"
else
    pytest -n "$workers" --dist loadfile --no-loadscope-reorder --durations=15 "$@"
fi
