"""Closed unit lists. Units are learnt from the data; a company that wants a unit type's
list closed (`AIROI_CLOSED_UNIT_TYPES=department,production_line`) declares the list in
the organisation file (`<landing>/organisation/units*.csv`), and values outside it are
quarantined with a reason instead of loaded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import duckdb

from ingestion.contracts import ORGANISATION_UNITS, SourceContract
from ingestion.duckdb_helpers import table_exists
from ingestion.errors import IngestionError
from ingestion.file_rows import RAW_SCHEMA

FILE = f"{ORGANISATION_UNITS.folder}/{ORGANISATION_UNITS.patterns[0]}"


def close_unit_lists(
    con: duckdb.DuckDBPyConnection, contract: SourceContract, closed_types: Iterable[str]
) -> SourceContract:
    """`contract` with the columns of closed unit types allowed only the declared units."""
    closing = [
        c for c in contract.columns if c.unit_type is not None and c.unit_type in closed_types
    ]
    if not closing:
        return contract
    declared = declared_units(con, {column.unit_type for column in closing})
    for column in closing:
        if not declared.get(column.unit_type):
            raise IngestionError(
                FILE,
                f"AIROI_CLOSED_UNIT_TYPES closes the {column.unit_type} list, but the "
                f"organisation file declares no {column.unit_type}",
                fix=f"list the {column.unit_type} units in the organisation file, or leave "
                f"{column.unit_type} out of AIROI_CLOSED_UNIT_TYPES",
            )
    return replace(
        contract,
        columns=tuple(
            replace(
                column,
                allowed=tuple(sorted(declared[column.unit_type])),
                allowed_from=f"the organisation file's {column.unit_type} list",
            )
            if column in closing
            else column
            for column in contract.columns
        ),
    )


def declared_units(con: duckdb.DuckDBPyConnection, unit_types: set) -> dict[str, set[str]]:
    """The units the organisation file declares, per unit type (none if not delivered)."""
    if not table_exists(con, f"{RAW_SCHEMA}.{ORGANISATION_UNITS.table}"):
        return {}
    rows = con.execute(
        f"select unit_type, unit_id from {RAW_SCHEMA}.{ORGANISATION_UNITS.table} "
        "where list_contains(?, unit_type)",
        [sorted(unit_types)],
    ).fetchall()
    units: dict[str, set[str]] = {}
    for unit_type, unit_id in rows:
        units.setdefault(unit_type, set()).add(unit_id)
    return units
