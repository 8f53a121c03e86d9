"""The attribution's tables from their inputs, as the dbt Python models build them on
DuckDB: any engine that hands over the same inputs gets the same tables (on Spark,
spark_engine/attribution.py runs them beside dbt)."""

from __future__ import annotations

import pandas as pd
import polars as pl

from attribution.draws import draw_effects
from attribution.estimate import estimate_effects
from attribution.event_study import estimate_event_studies
from attribution.objectives import judge, past_deadlines
from attribution.panel import INPUT_COLUMNS


def estimator_panel(metric_panel: pd.DataFrame) -> pd.DataFrame:
    """int_initiative_metric_panel as the estimators read it."""
    return metric_panel.rename(columns={"month_start": "month"})[INPUT_COLUMNS]


def effects_table(metric_panel: pd.DataFrame) -> pd.DataFrame:
    return estimate_effects(estimator_panel(metric_panel))


def event_study_table(metric_panel: pd.DataFrame) -> pd.DataFrame:
    return estimate_event_studies(estimator_panel(metric_panel))


def objective_effects_table(
    metric_panel: pd.DataFrame, objectives: pd.DataFrame, report_month: pd.DataFrame
) -> pd.DataFrame:
    """Objectives from stg_registry__initiative_objectives, judged on the panel cut at
    their deadline; report_month is int_report_month."""
    panel = estimator_panel(metric_panel)
    panel = panel.assign(month=pd.to_datetime(panel["month"]))
    objectives = objectives.assign(deadline_date=pd.to_datetime(objectives["deadline_date"]))
    month = pd.Timestamp(report_month["report_month"].iloc[0])
    return judge(panel, past_deadlines(objectives, month))


def effect_draws_table(effects: pl.DataFrame) -> pl.DataFrame:
    return draw_effects(effects)
