"""The warehouse resource: paths from the environment, one DuckDB connection per step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingestion.pseudonymise import load_key
from ingestion.settings import (
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DEFAULT_HISTORY_START,
    MB,
    Settings,
    Streaming,
    parse_unit_types,
)
from ingestion.validation import DateBounds


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse the pipeline writes, and where its inputs and outputs live."""

    warehouse_path: str
    landing_dir: str
    serving_path: str
    quality_docs_dir: str
    key_file: str
    history_start: str = DEFAULT_HISTORY_START.isoformat()
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    stream_files_above_mb: float = Streaming.above_bytes / MB
    closed_unit_types: str = ""  # comma-separated, as AIROI_CLOSED_UNIT_TYPES

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        return cls(
            warehouse_path=str(settings.warehouse_path),
            landing_dir=str(settings.landing_dir),
            serving_path=str(settings.serving_path),
            quality_docs_dir=str(settings.quality_docs_dir),
            key_file=str(settings.key_file),
            history_start=settings.history_start.isoformat(),
            duckdb_memory_limit=settings.duckdb_memory_limit,
            stream_files_above_mb=settings.streaming.above_bytes / MB,
            closed_unit_types=",".join(sorted(settings.closed_unit_types)),
        )

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.warehouse_path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.warehouse_path, config={"memory_limit": self.duckdb_memory_limit})
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
