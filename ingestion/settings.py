"""Where the warehouse keeps its files, and how it reads them, from the environment with
sensible defaults."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Event dates before this are taken for typos and quarantined.
DEFAULT_HISTORY_START = dt.date(2015, 1, 1)
# DuckDB's own default is 80% of RAM, mostly cache: capping it keeps the pipeline's peak
# memory predictable (big sorts and joins spill to disk beyond it). Its cache of the table
# read is most of a process's memory: at 100x the demo, GX over 10M tasks peaked at 2.5 GB
# with 2GB and 1.6 GB with 1GB, and the whole build took as long (docs/benchmarks.md).
DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB"
MB = 1 << 20
SURVEY_SCALES_VARIABLE = "AIROI_SURVEY_SCALES"
# The answer scale of each survey question. dbt reads the same variable with the same
# default (dbt/macros/survey_scales.sql): keep the two in step.
DEFAULT_SURVEY_SCALES = "job_satisfaction=1-5,self_rated_productivity=1-5,enps_score=0-10"
# eNPS is a standard: promoters answer 9-10 and detractors 0-6 on 0-10, on no other scale.
ENPS_QUESTION = "enps_score"
_SCALE_ITEM = re.compile(r"^\s*(\w+)\s*=\s*(\d+)\s*-\s*(\d+)\s*$")


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


@dataclass(frozen=True)
class SurveyScale:
    """The whole-number answers a survey question allows, from `minimum` to `maximum`."""

    minimum: int
    maximum: int

    @property
    def label(self) -> str:
        return f"{self.minimum}-{self.maximum}"


def parse_survey_scales(text: str) -> dict[str, SurveyScale]:
    """`job_satisfaction=1-4,self_rated_productivity=1-7,enps_score=0-10` → a scale per
    question. Questions left out keep the default scale."""
    scales = _parse_scale_items(DEFAULT_SURVEY_SCALES)
    declared = _parse_scale_items(text)
    unknown = sorted(declared.keys() - scales.keys())
    if unknown:
        raise ValueError(
            f"{SURVEY_SCALES_VARIABLE}: unknown survey question {', '.join(unknown)}; "
            f"the questions are {', '.join(scales)}"
        )
    for question, scale in declared.items():
        _check_scale(question, scale)
    return scales | declared


def _parse_scale_items(text: str) -> dict[str, SurveyScale]:
    scales: dict[str, SurveyScale] = {}
    for item in filter(str.strip, text.split(",")):
        match = _SCALE_ITEM.match(item)
        if match is None:
            raise ValueError(
                f"{SURVEY_SCALES_VARIABLE}: {item.strip()!r} is not question=min-max "
                "(e.g. job_satisfaction=1-4)"
            )
        question, minimum, maximum = match.groups()
        if question in scales:
            raise ValueError(f"{SURVEY_SCALES_VARIABLE}: {question} is declared twice")
        scales[question] = SurveyScale(int(minimum), int(maximum))
    return scales


def _check_scale(question: str, scale: SurveyScale) -> None:
    # Top-two-box shares need a third box below them to mean anything.
    if scale.maximum - scale.minimum < 2:
        raise ValueError(
            f"{SURVEY_SCALES_VARIABLE}: {question}={scale.label} needs at least three answers"
        )
    if question == ENPS_QUESTION and scale != SurveyScale(0, 10):
        raise ValueError(
            f"{SURVEY_SCALES_VARIABLE}: {question} is eNPS, which is defined on 0-10 only"
        )


def survey_scales_from_env() -> Mapping[str, SurveyScale]:
    return parse_survey_scales(os.environ.get(SURVEY_SCALES_VARIABLE) or DEFAULT_SURVEY_SCALES)


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Every path the pipeline reads or writes, and how it reads the landing files.

    `AIROI_DATA_DIR` moves them all at once; each can also be set on its own.
    `AIROI_WAREHOUSE_PATH` and `AIROI_SURVEY_SCALES` are read by dbt too.
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
    survey_scales: Mapping[str, SurveyScale] = field(
        default_factory=lambda: parse_survey_scales(DEFAULT_SURVEY_SCALES)
    )
    # Unit types whose list the organisation file closes: other values are quarantined.
    closed_unit_types: frozenset[str] = frozenset()

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
            survey_scales=survey_scales_from_env(),
            closed_unit_types=parse_unit_types(os.environ.get("AIROI_CLOSED_UNIT_TYPES", "")),
        )


def parse_unit_types(text: str) -> frozenset[str]:
    """`department, production_line` → the unit types named."""
    return frozenset(name.strip() for name in text.split(",") if name.strip())
