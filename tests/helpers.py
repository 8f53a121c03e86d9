"""Small builders shared by tests: landing files written by hand, a dbt project copy."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.dbt_project import DBT_EXECUTABLE

TEST_KEY = b"test-pseudonymisation-key"


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    return write_text(path, "".join(json.dumps(row) + "\n" for row in rows))


def feedback_csv(rows: list[tuple], separator: str = ",") -> str:
    header = ["response_id", "response_date", "region", "channel", "survey", "score"]
    lines = [separator.join(header)] + [separator.join(str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchall()[0][0]


@dataclass(frozen=True)
class DbtCopy:
    project: Path
    warehouse: Path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "AIROI_WAREHOUSE_PATH": str(self.warehouse)}
        result = subprocess.run(
            [DBT_EXECUTABLE, *args, "--profiles-dir", str(self.project)],
            cwd=self.project,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        return result

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=read_only)


# Debian's Chromium, driven headless by the browser tests (conftest.py's fixtures).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
