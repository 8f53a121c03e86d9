"""Small DuckDB idioms shared by the loaders and the publisher."""

from __future__ import annotations

from typing import Any

import duckdb


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    """The single value a query returns. DuckDB 2.0 keeps a result open after fetchone(),
    which blocks the next statement on the connection; fetchall() closes it."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
