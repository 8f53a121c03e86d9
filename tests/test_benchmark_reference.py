"""The benchmark's hand-written DuckDB SQL computes the same metric numbers as the
pipeline, so comparing their speed compares like with like."""

from __future__ import annotations

import pytest

from benchmarks.compare import build_reference, differences

pytestmark = pytest.mark.e2e


def test_reference_sql_matches_the_pipeline_cell_by_cell(pipeline, tmp_path):
    reference = tmp_path / "reference.duckdb"
    build_reference(pipeline.settings.landing_dir, reference)

    compared, different, missing = differences(reference, pipeline.settings.warehouse_path)

    assert compared > 1000
    assert (different, missing) == (0, 0)
