"""What a validation found, per expectation, combined across batches.

GX reports each batch on its own. Row-wise checks add up: unexpected counts are summed and
success is decided again on the totals with GX's own rule (share of rows considered that
are expected ≥ `mostly`); any other check passes only if it passed in every batch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation_type: str
    column: str | None  # "a, b" for checks over several columns; None for table checks
    severity: str  # "error" | "warn"
    success: bool
    unexpected_count: int | None  # None for checks that do not count rows
    unexpected_percent: float | None
    sample_values: list[Any]
    observed_value: Any = None
    exception: str | None = None
    why: str = ""


@dataclass
class SuiteOutcome:
    relation: str
    suite: str
    run_id: str
    rows_validated: int
    expectations: list[ExpectationOutcome]
    validated_at: dt.datetime
    where: str | None = None
    new_rows: int | None = None  # rows the row checks read, when only new rows were
    batches: int = 1
    notes: list[str] = field(default_factory=list)  # e.g. checks skipped, and why
    docs_index: Path | None = None

    @property
    def passed(self) -> bool:
        """No error-severity expectation failed (warnings do not block)."""
        return not any(e.severity == "error" and not e.success for e in self.expectations)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]


def combine(expectation: dict[str, Any], results: list[dict[str, Any]]) -> ExpectationOutcome:
    """One outcome from the per-batch GX results (`success`, `result`, `exception`)."""
    kwargs, meta = expectation.get("kwargs", {}), expectation.get("meta", {})
    exceptions = [r["exception"] for r in results if r["exception"]]
    success = all(r["success"] for r in results) and not exceptions
    first = results[0]["result"]
    unexpected_count = first.get("unexpected_count")
    unexpected_percent = first.get("unexpected_percent")
    counted = all({"element_count", "unexpected_count"} <= r["result"].keys() for r in results)
    if len(results) > 1 and counted and not exceptions:
        unexpected_count = sum(r["result"]["unexpected_count"] for r in results)
        considered = sum(_considered(r["result"]) for r in results)
        unexpected_percent = 100 * unexpected_count / considered if considered else 0.0
        mostly = float(kwargs.get("mostly", 1.0))
        success = considered == 0 or (considered - unexpected_count) / considered >= mostly
    samples = [v for r in results for v in r["result"].get("partial_unexpected_list") or []]
    return ExpectationOutcome(
        expectation_type=expectation["type"],
        column=_columns(kwargs),
        severity=meta["severity"],
        success=success,
        unexpected_count=unexpected_count,
        unexpected_percent=unexpected_percent,
        sample_values=[plain(v) for v in samples[:SAMPLE_SIZE]],
        observed_value=plain(results[-1]["result"].get("observed_value")),
        exception=exceptions[0] if exceptions else None,
        why=meta.get("why", ""),
    )


def _considered(result: dict[str, Any]) -> int:
    # GX's denominator: non-null rows, except for checks about nulls (no missing_count).
    return result["element_count"] - result.get("missing_count", 0)


def _columns(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    pair = [kwargs[key] for key in ("column_A", "column_B") if key in kwargs]
    names = kwargs.get("column_list") or pair
    return ", ".join(names) if names else None


def plain(value: Any) -> Any:
    """A JSON-friendly copy of a value from a pandas frame (numpy scalars, NaT, NA...)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if hasattr(value, "isoformat"):  # datetime, date, pandas Timestamp
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value
