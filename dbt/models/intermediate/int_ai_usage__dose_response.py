"""Dose-response: the outcome of light and heavy users against idle seat holders in the
same treated unit and month (attribution/dose_response.py). A dbt Python model, as the
attribution's; on adapters without Python models spark_engine/attribution.py builds it."""

from attribution.dose_response import dose_response_table


def model(dbt, session):
    dbt.config(materialized="table")
    return dose_response_table(dbt.ref("int_ai_usage__dose_panel").df())
