"""Check that the hand-written reference and the pipeline give the same metric numbers."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

REFERENCE_SQL = Path(__file__).with_name("reference.sql")
TOLERANCE = 1e-9


def build_reference(landing_dir: Path, database: Path) -> None:
    """Run reference.sql on the landing files (its paths are relative to the landing folder)."""
    here = Path.cwd()
    os.chdir(landing_dir)
    try:
        with duckdb.connect(str(database)) as con:
            con.execute(REFERENCE_SQL.read_text())
    finally:
        os.chdir(here)


def differences(reference: Path, warehouse: Path) -> tuple[int, int, int]:
    """(rows compared, rows that differ, reference rows the pipeline lacks)."""
    with duckdb.connect(str(reference)) as con:
        con.execute(f"attach '{warehouse}' as pipeline (read_only)")
        return con.execute(
            f"""
            select
                count(p.metric_value) as compared,
                count(*) filter (
                    where abs(r.numerator / r.denominator - p.metric_value)
                    > {TOLERANCE} * greatest(1, abs(p.metric_value))
                ) as different,
                count(*) filter (where p.metric_value is null) as missing
            from reference_metrics as r
            left join pipeline.intermediate.int_metric_values as p
                using (unit_type, unit_id, month_start, metric_name)
            """
        ).fetchall()[0]
