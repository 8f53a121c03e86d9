"""Load the landing files into the warehouse without Dagster: `python -m ingestion load`.

The same loaders the Dagster assets run, with a line per file loaded, for scripting and
for debugging a delivery. `python -m ingestion re-pseudonymise` adopts a new
pseudonymisation key: the sources holding employee ids are reloaded under it by the next
run (see ingestion/key_guard.py). `python -m ingestion preflight [LANDING_DIR]` reports
what a landing folder would load, and what it would refuse, without touching the warehouse.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

import duckdb

from ingestion.contracts import CONTRACTS
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.key_guard import KeyChangedError, repseudonymise
from ingestion.ledger import FileOutcome
from ingestion.preflight import preflight, render
from ingestion.pseudonymise import load_key
from ingestion.registry import load_registry
from ingestion.settings import Settings
from ingestion.validation import DateBounds


def _print_outcome(outcome: FileOutcome) -> None:
    if outcome.status != "unchanged":
        print(
            f"{outcome.file_path}: {outcome.status}, read {outcome.rows_read}, "
            f"loaded {outcome.rows_loaded}, quarantined {outcome.rows_quarantined}",
            flush=True,
        )


def _print_part(file: str, rows_read: int) -> None:
    print(f"{file}: {rows_read:,} rows read so far (streamed in parts)", flush=True)


def load_all(settings: Settings) -> list[Exception]:
    """Every source, each file in its own transaction; rejected files are collected."""
    from ingestion.loader import load_source

    run_id = uuid.uuid4().hex
    key = load_key(settings.key_file)
    bounds = DateBounds.until_now(settings.history_start)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    errors: list[Exception] = []
    with duckdb.connect(str(settings.warehouse_path)) as con:
        for contract in CONTRACTS.values():
            try:
                load_source(
                    con,
                    contract,
                    settings.landing_dir,
                    key,
                    run_id=run_id,
                    on_file=_print_outcome,
                    bounds=bounds,
                    streaming=settings.streaming,
                    on_part=_print_part,
                    closed_unit_types=settings.closed_unit_types,
                )
            except (SourceLoadError, KeyChangedError) as error:
                errors.append(error)
        try:
            load_registry(con, settings.landing_dir, run_id)
        except SourceLoadError as error:
            errors.append(error)
    return errors


def repseudonymise_all(settings: Settings) -> None:
    with duckdb.connect(str(settings.warehouse_path)) as con:
        files = repseudonymise(con, settings.landing_dir, load_key(settings.key_file))
    print(f"{len(files)} file(s) will be reloaded under the new key by the next run.")


def run_preflight(settings: Settings, landing_dir: Path | None) -> int:
    """Print the preflight report; 1 when the loader would refuse a file or a row."""
    try:
        report = preflight(landing_dir or settings.landing_dir, settings.history_start)
    except IngestionError as error:
        print(error, file=sys.stderr)
        return 1
    print(render(report), end="")
    return 1 if report.refused else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion", description=__doc__)
    parser.add_argument("command", choices=["load", "re-pseudonymise", "preflight"])
    parser.add_argument(
        "landing_dir",
        nargs="?",
        type=Path,
        metavar="LANDING_DIR",
        help="preflight only: the folder to read (default: the configured landing folder)",
    )
    arguments = parser.parse_args(argv)
    command = arguments.command
    if arguments.landing_dir is not None and command != "preflight":
        parser.error("LANDING_DIR is for preflight only")
    if command == "preflight":
        return run_preflight(Settings.from_env(), arguments.landing_dir)
    if command == "re-pseudonymise":
        try:
            repseudonymise_all(Settings.from_env())
        except IngestionError as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    errors = load_all(Settings.from_env())
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
