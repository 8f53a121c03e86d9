"""Dagster definitions for the AI ROI warehouse: ingestion, dbt, publishing."""
