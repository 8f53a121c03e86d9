"""Whether a run would find nothing new, so that it need not start at all.

What a run produces depends on its inputs: the landing files, the code (the Python
packages, the dbt project, the GX suites), the configuration (the `AIROI_*` variables
and the pseudonymisation key) and the library versions. The command, the schedule and the
sensor fingerprint them before they start a run and tag the run with it; the publish step
keeps the tag in `audit.published_inputs` beside the state of the warehouse's run records
(every file loaded or rejected, validation, refused publish and model build adds a row).

A later run finds nothing new when the inputs have the same fingerprint and the run
records are as that publish left them. A run that loaded, validated, was refused or
built anything after the publish changed them, so a failed or refused run is never
taken for nothing new. Nothing here imports Dagster: the command answers in about a
second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import duckdb

from ingestion.duckdb_helpers import table_exists
from ingestion.key_guard import fingerprint as key_fingerprint
from ingestion.ledger import SETTLED_AFTER_NS, FileSignature
from ingestion.pseudonymise import KEY_VARIABLE
from ingestion.settings import PROJECT_ROOT, Settings

INPUTS_TAG = "ai_roi/inputs"
PUBLISHED_INPUTS = "audit.published_inputs"
CODE_FOLDERS = (
    "attribution",
    "dagster_project",
    "dashboard",
    "dbt",
    "expectations",
    "ingestion",
    "lake",
    "serving",
    "spark_engine",
)
GENERATED_FOLDERS = {"__pycache__", "target", "logs", "dbt_packages"}
LIBRARIES = (
    "dagster",
    "dagster-dbt",
    "dbt-core",
    "dbt-duckdb",
    "duckdb",
    "great-expectations",
    "numpy",
    "pandas",
    "polars",
    "statsmodels",
)
# The tables a run writes to whenever it loads, validates, refuses or builds anything,
# and the column that says when (ingestion/ledger.py, expectations/audit.py,
# expectations/gate.py, rebuild_plan.py, retractions.py, serving/publish.py).
RUN_RECORDS = {
    "audit.load_accounting": "recorded_at",
    "audit.quality_results": "validated_at",
    "audit.blocked_publishes": "blocked_at",
    "audit.model_builds": "built_at",
    "audit.incremental_refreshes": "refreshed_at",
    "audit.publish_log": "published_at",
}


@dataclass(frozen=True)
class LastPublish:
    run_id: str
    published_at: dt.datetime
    landing_files: int

    def __str__(self) -> str:
        return (
            f"Nothing new since run {self.run_id} published at {self.published_at:%Y-%m-%d %H:%M}: "
            f"the same {self.landing_files} landing files, code and configuration, and no run "
            "has loaded, validated or built anything since. Nothing was run; the serving file "
            "and the dashboard are those it published (--rebuild-all runs everything anyway)."
        )


def run_inputs(settings: Settings) -> str | None:
    """The fingerprint of everything a run reads. A landing file modified in the last two
    seconds may still be being written (its size and time could stay while its content
    changes): such files are waited for once; None if one is still changing."""
    files, signatures = _landing_signatures(settings.landing_dir)
    unsettled_for = max((_unsettled_seconds(s) for s in signatures), default=0.0)
    if unsettled_for > 0:
        time.sleep(unsettled_for)
        settled = _landing_signatures(settings.landing_dir)
        if settled != (files, signatures) or not all(s.settled() for s in settled[1]):
            return None
    digest = hashlib.sha256()
    for path, signature in zip(files, signatures, strict=True):
        relative = path.relative_to(settings.landing_dir).as_posix()
        digest.update(f"landing {relative}|{signature.size}|{signature.modified_ns}\n".encode())
    for path in code_files():
        digest.update(f"code {path.relative_to(PROJECT_ROOT).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(_configuration(settings), sort_keys=True).encode())
    return f"{len(files)}:{digest.hexdigest()}"


def _landing_signatures(landing_dir: Path) -> tuple[list[Path], list[FileSignature]]:
    files = list(_files(landing_dir))
    return files, [FileSignature.of(path) for path in files]


def _unsettled_seconds(signature: FileSignature) -> float:
    return max(0.0, (signature.modified_ns + SETTLED_AFTER_NS - time.time_ns()) / 1e9)


def landing_fingerprint(landing_dir: Path) -> str:
    """Changes whenever a landing file is added, removed or rewritten."""
    digest = hashlib.sha256()
    for path in _files(landing_dir):
        stat = path.stat()
        digest.update(
            f"{path.relative_to(landing_dir)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
        )
    return digest.hexdigest()


def code_files() -> Iterator[Path]:
    for folder in CODE_FOLDERS:
        yield from _files(PROJECT_ROOT / folder)


def record_publish(con: duckdb.DuckDBPyConnection, run_id: str, inputs: str | None) -> None:
    """Remember what the publish of `run_id` was made from; a run launched without a
    fingerprint (from the Dagster UI) leaves nothing the next run could compare with."""
    con.execute(
        f"create table if not exists {PUBLISHED_INPUTS} (run_id varchar not null, "
        "published_at timestamp not null, inputs varchar, run_records varchar not null)"
    )
    con.execute(
        f"insert into {PUBLISHED_INPUTS} values (?, now()::timestamp, ?, ?)",
        [run_id, inputs, json.dumps(run_records(con))],
    )


def nothing_new(settings: Settings, inputs: str | None) -> LastPublish | None:
    """The last publish, when a run on `inputs` (`run_inputs`) would find nothing new
    since it; else None, also when the warehouse cannot be read (missing, or open in
    another process)."""
    if inputs is None or not settings.warehouse_path.exists():
        return None
    try:
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    except duckdb.Error:
        return None
    with con:
        if not table_exists(con, PUBLISHED_INPUTS):
            return None
        latest = con.execute(
            f"select run_id, published_at, inputs, run_records from {PUBLISHED_INPUTS} "
            "order by published_at desc limit 1"
        ).fetchall()
        if not latest:
            return None
        run_id, published_at, published_inputs, records = latest[0]
        if published_inputs != inputs or json.loads(records) != run_records(con):
            return None
    return LastPublish(run_id, published_at, int(inputs.split(":", 1)[0]))


def run_records(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Rows and latest time of each table a run writes to when it does anything."""
    states = {}
    for table, time_column in RUN_RECORDS.items():
        if not table_exists(con, table):
            states[table] = "missing"
            continue
        rows, latest = con.execute(
            f"select count(*), max({time_column})::varchar from {table}"
        ).fetchall()[0]
        states[table] = f"{rows}@{latest}"
    return states


def _configuration(settings: Settings) -> dict[str, str]:
    """The `AIROI_*` variables (the key by its fingerprint only) and library versions."""
    variables = {
        name: value
        for name, value in os.environ.items()
        if name.startswith("AIROI_") and name != KEY_VARIABLE
    }
    return {**variables, "key": _key_fingerprint(settings), **_library_versions()}


def _key_fingerprint(settings: Settings) -> str:
    key = os.environ.get(KEY_VARIABLE)
    if key:
        return key_fingerprint(key.encode())
    if settings.key_file.exists():
        return key_fingerprint(settings.key_file.read_text().strip().encode())
    return "no key yet"


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _files(root: Path) -> Iterator[Path]:
    """Every file under `root`, in a stable order; generated folders and dot-files (an
    editor's, dbt's own .user.yml) left out."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(
            name for name in subfolders if name not in GENERATED_FOLDERS and name[0] != "."
        )
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(folder, name)
