"""What dbt builds on Spark: every model but the Python ones and those downstream of them.
dbt-spark runs Python models only on Databricks; the attribution they hold runs beside
dbt instead (docs/scaling-out.md)."""

from __future__ import annotations

from pathlib import Path


def python_models(project_dir: Path) -> list[str]:
    return sorted(path.stem for path in (project_dir / "models").rglob("*.py"))


def without_python_models(project_dir: Path) -> list[str]:
    """dbt arguments that leave out the Python models and their descendants."""
    return ["--exclude", *(f"{model}+" for model in python_models(project_dir))]
