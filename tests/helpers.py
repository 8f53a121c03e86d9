"""Small builders shared by tests: landing files written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

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
