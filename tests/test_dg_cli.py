"""The Dagster CLIs work from the repository root: `dg` finds the project through
[tool.dg] in pyproject.toml, `dagster asset list` through `-m`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent
LOCATION_STATUS = (
    '{"query": "{ workspaceOrError { ... on Workspace { locationEntries '
    '{ name loadStatus locationOrLoadError { __typename } } } } }"}'
)


def environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """This Python's environment and the repository on the path; a Dagster instance and
    data folder of the test's own."""
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": sys.prefix,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DAGSTER_HOME": str(home),
        "AIROI_DATA_DIR": str(tmp_path / "data"),
        **overrides,
    }
    env.pop("AIROI_WAREHOUSE_PATH", None)
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_dg_check_defs_passes(tmp_path, dbt_manifest):
    checked = run(["dg", "check", "defs"], environment(tmp_path))

    assert checked.returncode == 0, checked.stderr[-3000:]
    assert "All definitions loaded successfully." in checked.stdout


@pytest.fixture(scope="module")
def listed(tmp_path_factory, dbt_manifest) -> dict:
    """`dg list defs --json`, the owners set to a team and a person."""
    owners = "team:finance-analytics, ana@example.com"
    env = environment(tmp_path_factory.mktemp("dg_list"), AIROI_ASSET_OWNERS=owners)
    listing = run(["dg", "list", "defs", "--json"], env)
    assert listing.returncode == 0, listing.stderr[-3000:]
    return json.loads(listing.stdout)


def test_dg_list_defs_shows_every_asset_described_and_owned(listed):
    assets = {asset["asset_key"]: asset for asset in listed["assets"]}

    assert {"raw/operations_tasks", "marts/initiative_roi", "audit/quarantine"} <= set(assets)
    assert len(assets) >= 80
    for key, asset in assets.items():
        assert asset["owners"] == [{"team": "finance-analytics"}, {"email": "ana@example.com"}], key
        assert asset["description"], key
        assert not asset["description"].startswith("dbt model"), key


def test_dg_list_defs_shows_the_job_schedule_and_sensor(listed):
    assert [job["name"] for job in listed["jobs"]] == ["full_pipeline"]
    assert [schedule["name"] for schedule in listed["schedules"]] == ["daily_pipeline"]
    assert [sensor["name"] for sensor in listed["sensors"]] == ["new_landing_files"]


def test_dagster_asset_list_given_the_module_lists_every_asset(tmp_path, dbt_manifest):
    listing = run(
        ["dagster", "asset", "list", "-m", "dagster_project.definitions"], environment(tmp_path)
    )

    keys = set(listing.stdout.split())
    assert listing.returncode == 0, listing.stderr[-3000:]
    assert {"raw/operations_tasks", "marts/initiative_roi", "serving/ai_roi"} <= keys
    assert "audit/quarantine" not in keys  # declared, not materializable
    assert len(keys) >= 80


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dg_dev(tmp_path, dbt_manifest) -> Iterator[int]:
    """`dg dev` serving on a free port; its whole process group is stopped afterwards."""
    port = free_port()
    log = (tmp_path / "dg_dev.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "dg"), "dev", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=environment(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield port
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # a webserver, daemon and code servers
        server.wait(timeout=60)
        log.close()


def code_locations(port: int, timeout: float = 300) -> list[dict]:
    """The UI's code locations once they have finished loading."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/graphql",
                data=LOCATION_STATUS.encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                entries = json.load(response)["data"]["workspaceOrError"]["locationEntries"]
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                return entries
        except OSError:
            pass  # not serving yet
        time.sleep(2)
    raise TimeoutError(f"dg dev did not load its code location within {timeout} s")


def test_dg_dev_serves_the_code_location(dg_dev):
    (location,) = code_locations(dg_dev)

    assert location["name"] == "ai_roi_warehouse"
    assert location["locationOrLoadError"]["__typename"] == "RepositoryLocation"
