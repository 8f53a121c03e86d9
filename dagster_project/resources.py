"""The warehouse resource: paths from the environment, one DuckDB connection per step.

The connection is dagster-duckdb's `DuckDBResource`, its path the environment variable
`AIROI_WAREHOUSE_PATH` (an `EnvVar`, read when a run starts), which dbt's profile reads
too: the Dagster UI shows where the warehouse comes from. A step that finds the file
locked by another process (an analyst's `dbt build`) retries with dagster-duckdb's
backoff, about 100 s in all, before it fails.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from ingestion.pseudonymise import load_key
from ingestion.settings import (
    DEFAULT_HISTORY_START,
    MB,
    Settings,
    Streaming,
    parse_unit_types,
)
from ingestion.validation import DateBounds

WAREHOUSE_PATH_VARIABLE = "AIROI_WAREHOUSE_PATH"


def warehouse_database(settings: Settings) -> DuckDBResource:
    """The warehouse file as dagster-duckdb opens it: `$AIROI_WAREHOUSE_PATH` when set,
    else the default path (under `$AIROI_DATA_DIR`), which dbt's profile computes alike."""
    from_env = WAREHOUSE_PATH_VARIABLE in os.environ
    return DuckDBResource(
        database=dg.EnvVar(WAREHOUSE_PATH_VARIABLE) if from_env else str(settings.warehouse_path),
        connection_config={"memory_limit": settings.duckdb_memory_limit},
    )


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse the pipeline writes, and where its inputs and outputs live."""

    database: DuckDBResource
    landing_dir: str
    serving_path: str
    quality_docs_dir: str
    key_file: str
    history_start: str = DEFAULT_HISTORY_START.isoformat()
    stream_files_above_mb: float = Streaming.above_bytes / MB
    closed_unit_types: str = ""  # comma-separated, as AIROI_CLOSED_UNIT_TYPES

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        return cls(
            database=warehouse_database(settings),
            landing_dir=str(settings.landing_dir),
            serving_path=str(settings.serving_path),
            quality_docs_dir=str(settings.quality_docs_dir),
            key_file=str(settings.key_file),
            history_start=settings.history_start.isoformat(),
            stream_files_above_mb=settings.streaming.above_bytes / MB,
            closed_unit_types=",".join(sorted(settings.closed_unit_types)),
        )

    @property
    def warehouse_path(self) -> str:
        return self.database.database

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.warehouse_path).parent.mkdir(parents=True, exist_ok=True)
        with self.database.get_connection() as con:
            # dagster-duckdb closes the connection only when the block succeeds; after a
            # failure it would stay open while the step's traceback holds it, locking the
            # file against dbt's process and the next step.
            try:
                yield con
            finally:
                con.close()

    def pseudonymisation_key(self) -> bytes:
        return load_key(Path(self.key_file))

    def streaming(self) -> Streaming:
        return Streaming.above_megabytes(self.stream_files_above_mb)

    def closed_units(self) -> frozenset[str]:
        return parse_unit_types(self.closed_unit_types)

    def date_bounds(self) -> DateBounds:
        return DateBounds.until_now(dt.date.fromisoformat(self.history_start))
