"""The Spark engine's setup without starting Spark: the Java runtime pip installs, and the
settings dbt's `spark` target and the pipeline's own session share."""

from __future__ import annotations

import subprocess
from pathlib import Path

import jinja2
import pytest
import yaml

from spark_engine.java import java_home, spark_environment
from spark_engine.session import spark_settings

pytestmark = pytest.mark.spark

PROFILES = Path(__file__).resolve().parents[1] / "dbt" / "profiles.yml"


def rendered_profile_parameters(environ: dict[str, str]) -> dict[str, str]:
    """The `spark` output's server_side_parameters as dbt renders them under `environ`."""
    profile = yaml.safe_load(PROFILES.read_text())["ai_roi_warehouse"]["outputs"]["spark"]

    def env_var(name: str, default: str | None = None) -> str:
        return environ.get(name, default)

    template_env = jinja2.Environment()
    return {
        key: template_env.from_string(str(value)).render(env_var=env_var)
        for key, value in profile["server_side_parameters"].items()
    }


def test_the_pipelines_session_has_the_settings_of_dbts_spark_target(tmp_path):
    environ = {"AIROI_SPARK_DIR": str(tmp_path), "AIROI_SPARK_MASTER": "local[2]"}
    profile = rendered_profile_parameters(environ)
    assert profile == {
        key: value
        for key, value in spark_settings(tmp_path, environ).items()
        if key != "spark.sql.ansi.enabled"  # dbt-spark adds it to every profile
    }


def test_the_spark_folders_default_under_the_data_folder():
    profile = rendered_profile_parameters({"AIROI_DATA_DIR": "/srv/airoi"})
    assert profile["spark.sql.warehouse.dir"] == "/srv/airoi/spark/warehouse"
    assert profile["spark.master"] == "local[*]"


def test_without_java_home_spark_runs_on_the_java_17_that_pip_installed():
    home = java_home({})
    version = subprocess.run(
        [str(home / "bin" / "java"), "-version"], capture_output=True, text=True, check=True
    ).stderr
    assert '"17.' in version
    assert spark_environment({})["JAVA_HOME"] == str(home)


def test_a_java_home_that_is_set_wins():
    assert java_home({"JAVA_HOME": "/opt/jdk"}) == Path("/opt/jdk")
