"""Where the warehouse keeps its files, read from the environment with sensible defaults."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Event dates before this are taken for typos and quarantined.
DEFAULT_HISTORY_START = dt.date(2015, 1, 1)
# DuckDB's own default is 80% of RAM, mostly cache: capping it keeps the pipeline's peak
# memory predictable (big sorts and joins spill to disk beyond it).
DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"
MB = 1 << 20


@dataclass(frozen=True)
class Streaming:
    """CSV and JSON Lines files above `above_bytes` are read in parts of about
    `chunk_bytes`, so a delivery larger than memory loads in bounded memory. Smaller
    files are read whole: faster, and the next one is read while this one is written."""

    above_bytes: int = 256 * MB
    chunk_bytes: int = 64 * MB

    @classmethod
    def above_megabytes(cls, megabytes: float) -> Streaming:
        return cls(above_bytes=int(megabytes * MB))

    def applies_to(self, size: int) -> bool:
        return size > self.above_bytes


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Every path the pipeline reads or writes.

    `AIROI_DATA_DIR` moves them all at once; each can also be set on its own.
    `AIROI_WAREHOUSE_PATH` is the variable dbt's profile reads too.
    """

    data_dir: Path
    landing_dir: Path
    warehouse_path: Path
    serving_path: Path
    quality_docs_dir: Path
    key_file: Path
    history_start: dt.date = DEFAULT_HISTORY_START
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    streaming: Streaming = Streaming()

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = _path("AIROI_DATA_DIR", PROJECT_ROOT / "data")
        return cls(
            data_dir=data_dir,
            landing_dir=_path("AIROI_LANDING_DIR", data_dir / "landing"),
            warehouse_path=_path("AIROI_WAREHOUSE_PATH", data_dir / "warehouse.duckdb"),
            serving_path=_path("AIROI_SERVING_PATH", data_dir / "serving" / "ai_roi.duckdb"),
            quality_docs_dir=_path("AIROI_QUALITY_DOCS_DIR", data_dir / "quality" / "data_docs"),
            key_file=_path(
                "AIROI_PSEUDONYMISATION_KEY_FILE", PROJECT_ROOT / ".pseudonymisation.key"
            ),
            history_start=dt.date.fromisoformat(
                os.environ.get("AIROI_HISTORY_START") or DEFAULT_HISTORY_START.isoformat()
            ),
            duckdb_memory_limit=os.environ.get("AIROI_DUCKDB_MEMORY_LIMIT")
            or DEFAULT_DUCKDB_MEMORY_LIMIT,
            streaming=Streaming.above_megabytes(
                float(os.environ.get("AIROI_STREAM_FILES_ABOVE_MB") or Streaming.above_bytes / MB)
            ),
        )
