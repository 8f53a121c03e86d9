"""A run killed with SIGKILL in the middle of ingestion, then rerun, ends with the same
warehouse as a run that was never interrupted (each file is one transaction)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion.contracts import CONTRACTS
from ingestion.demo_data import generate

pytestmark = pytest.mark.e2e
FILES_BEFORE_KILL = 25


def environment(data_dir: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "AIROI_DATA_DIR": str(data_dir),
        "AIROI_LANDING_DIR": str(landing),
        "AIROI_WAREHOUSE_PATH": str(data_dir / "warehouse.duckdb"),
        "AIROI_PSEUDONYMISATION_KEY": "crash-test-key",
    }


def load(data_dir: Path, landing: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingestion", "load"],
        env=environment(data_dir, landing),
        capture_output=True,
        text=True,
        check=True,
    )


def load_and_kill(data_dir: Path, landing: Path) -> int:
    """Start a load, SIGKILL it once some files are committed; return how many were."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ingestion", "load"],
        env=environment(data_dir, landing),
        stdout=subprocess.PIPE,
        text=True,
    )
    committed = 0
    for _ in process.stdout:
        committed += 1
        if committed == FILES_BEFORE_KILL:
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL
    return committed


def fingerprint(warehouse: Path) -> dict[str, tuple]:
    """Row count and an order-independent hash of every raw table, load times aside."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: con.execute(
                f"select count(*), sum(hash(columns(* exclude (_loaded_at)))::hugeint) "
                f"from raw.{table}"
            ).fetchall()[0]
            for table in CONTRACTS
        }


def test_killed_then_rerun_equals_uninterrupted(tmp_path):
    landing = tmp_path / "landing"
    generate(landing, scale=0.3)

    committed = load_and_kill(tmp_path / "killed", landing)
    rerun = load(tmp_path / "killed", landing)
    load(tmp_path / "clean", landing)

    assert committed == FILES_BEFORE_KILL
    assert "loaded" in rerun.stdout  # the rerun picked up the files the kill left out
    assert fingerprint(tmp_path / "killed" / "warehouse.duckdb") == fingerprint(
        tmp_path / "clean" / "warehouse.duckdb"
    )
