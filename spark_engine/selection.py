"""What dbt builds on Spark, in two steps around the attribution: dbt-spark runs Python
models only on Databricks, so their tables are built beside dbt
(spark_engine/attribution.py) between a build without them and their descendants and a
build of those descendants."""

from __future__ import annotations

from pathlib import Path


def python_models(project_dir: Path) -> list[str]:
    return sorted(path.stem for path in (project_dir / "models").rglob("*.py"))


def without_python_models(project_dir: Path) -> list[str]:
    """dbt arguments that leave out the Python models and their descendants."""
    return ["--exclude", *(f"{model}+" for model in python_models(project_dir))]


def downstream_of_python_models(project_dir: Path) -> list[str]:
    """dbt arguments that select what reads the Python models, without the models."""
    models = python_models(project_dir)
    return ["--select", *(f"{model}+" for model in models), "--exclude", *models]
