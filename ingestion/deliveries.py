"""Which sources a company delivered: a source with no file loaded is *not delivered*.

Its raw table exists but stays empty; its quality suite is skipped rather than failed,
its metrics are absent, and the publish goes ahead with the sources that were delivered
(the serving file's `quality.source_coverage` and the dashboard say which are missing).
"""

from __future__ import annotations

import duckdb

from ingestion import ledger, registry
from ingestion.contracts import CONTRACTS


def all_sources() -> list[str]:
    """Every landing source, by the name the ledger records (the registry's is one)."""
    return [*CONTRACTS, registry.SOURCE]


def source_of_raw_table(table: str) -> str | None:
    """The source that loads `raw.<table>`, if any."""
    if table in CONTRACTS:
        return table
    return registry.SOURCE if table in registry.TABLES else None


def delivered_sources(con: duckdb.DuckDBPyConnection) -> set[str]:
    ledger.ensure_schema(con)
    rows = con.execute(
        f"select distinct source from {ledger.SCHEMA}.load_ledger where status = 'loaded'"
    ).fetchall()
    return {source for (source,) in rows}
