"""A median metric pooled over months or units (baselines, post means, 12-month and
all-unit figures) is the volume-weighted mean of its monthly medians, not the median of the
pooled rows: where it is served, its catalogue definition and its dashboard name say so."""

from __future__ import annotations

import csv

from dashboard import labels
from ingestion.settings import PROJECT_ROOT

SEED = PROJECT_ROOT / "dbt" / "seeds" / "metric_definitions.csv"
POOLED = "volume-weighted mean of monthly medians"


def median_metrics() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if "median" in row["metric_name"]]


def test_a_median_metric_is_defined_with_its_pooled_statistic():
    metrics = median_metrics()
    assert {m["metric_name"] for m in metrics} == {"task_duration_median", "time_to_market_median"}
    for metric in metrics:
        assert POOLED in metric["definition"], metric["metric_name"]


def test_the_dashboard_names_a_median_metric_by_its_pooled_statistic():
    for metric in median_metrics():
        assert POOLED in labels.metric(metric["metric_name"]), metric["metric_name"]
