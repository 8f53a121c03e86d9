"""DuckDB relation → pandas frames for GX, whole or in batches, with stable dtypes.

DuckDB's pandas conversion picks a column's dtype from the values in hand: BIGINT becomes
`int64` without nulls and `Int64` with them, VARCHAR `str` or `object` (all null),
FLOAT `float32`. One dtype per DuckDB type keeps type expectations meaningful and every
batch alike: VARCHAR → `str`, integers → `Int64`, BOOLEAN → `boolean`, floating and decimal
→ `float64`, DATE and TIMESTAMP → `datetime64[us]` (pandas has no date dtype).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd

from ingestion.read_ahead import read_ahead

VECTOR_ROWS = 2048  # DuckDB hands results over in vectors of this many rows
INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}
CANONICAL = {
    **dict.fromkeys(INTEGERS | {f"U{name}" for name in INTEGERS}, "Int64"),
    "VARCHAR": "str",
    "BOOLEAN": "boolean",
    "FLOAT": "float64",
    "DOUBLE": "float64",
    "DECIMAL": "float64",
    "DATE": "datetime64[us]",
    "TIMESTAMP": "datetime64[us]",
}
ROW_MARKER = "_row"  # the one column selected when only the row count is needed


def select_sql(relation: str, where: str | None, columns: list[str] | None = None) -> str:
    """`columns` None selects all; an empty list only a marker, enough to count rows."""
    if columns is None:
        selected = "*"
    else:
        selected = ", ".join(_quote(c) for c in columns) or f"1 as {ROW_MARKER}"
    sql = f"select {selected} from {'.'.join(_quote(p) for p in relation.split('.'))}"
    return f"{sql} where {where}" if where else sql


def repeated_keys_sql(relation: str, where: str | None, key_sets: list[list[str]]) -> str:
    """The rows (within `where`) whose key repeats, for any of `key_sets`, with the key
    columns only: the only rows a uniqueness check can flag. Nulls compare equal, as in
    GX (a key may hold a null part, e.g. a mart row without initiative)."""
    columns = sorted({column for keys in key_sets for column in keys})
    repeats = []
    for keys in key_sets:
        names = ", ".join(_quote(k) for k in keys)
        same = " and ".join(
            f"repeated.{_quote(k)} is not distinct from scoped.{_quote(k)}" for k in keys
        )
        repeats.append(
            f"exists (select 1 from (select {names} from scoped group by {names} "
            f"having count(*) > 1) as repeated where {same})"
        )
    return (
        f"with scoped as ({select_sql(relation, where, columns)}) "
        f"select * from scoped where {' or '.join(repeats)}"
    )


def rows_with_keys(
    con: duckdb.DuckDBPyConnection, relation: str, where: str | None, key_sets: list[list[str]]
) -> list[int]:
    """Per key set, the rows (within `where`) whose key is not entirely null: the rows GX
    considers for uniqueness."""
    counts = ", ".join(
        "count(*) filter (where not (" + " and ".join(f"{_quote(k)} is null" for k in keys) + "))"
        for keys in key_sets
    )
    return list(con.execute(f"select {counts} from ({select_sql(relation, where)})").fetchall()[0])


def count_rows(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(f"select count(*) from ({sql})").fetchall()[0][0]


def column_dtypes(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, str | None]:
    """Each column's canonical pandas dtype, None where DuckDB's own choice is kept."""
    relation = con.sql(sql)
    return {
        name: CANONICAL.get(str(kind).split("(")[0])
        for name, kind in zip(relation.columns, relation.types, strict=True)
    }


def whole_frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    dtypes = column_dtypes(con, sql)
    return normalise(con.execute(sql).df(), dtypes)


def batches(con: duckdb.DuckDBPyConnection, sql: str, batch_rows: int) -> Iterator[pd.DataFrame]:
    """Frames of `batch_rows` rounded up to whole DuckDB vectors, streamed from one query.

    One query rather than LIMIT/OFFSET pages: without an ORDER BY, DuckDB does not promise
    the same row order twice, so pages could overlap or miss rows. The next frame is
    converted while the caller validates the current one. The connection is busy until the
    iteration ends.
    """
    dtypes = column_dtypes(con, sql)
    result = con.execute(sql)
    vectors = max(1, -(-batch_rows // VECTOR_ROWS))

    def fetched() -> Iterator[pd.DataFrame]:
        while len(frame := result.fetch_df_chunk(vectors)):
            yield normalise(frame, dtypes)

    return read_ahead(fetched(), name="gx-batches")


def normalise(frame: pd.DataFrame, dtypes: dict[str, str | None]) -> pd.DataFrame:
    changes = {
        name: dtype
        for name, dtype in dtypes.items()
        if dtype is not None and str(frame[name].dtype) != dtype
    }
    return frame.astype(changes) if changes else frame


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
