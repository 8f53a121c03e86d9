#!/usr/bin/env bash
# Command 1: set up .venv, generate the demo data, run the whole pipeline in-process.
# Extra arguments go to `python -m dagster_project run` (e.g. --scale 10).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/python -m dagster_project run --demo "$@"
