"""Values a file names in its file name rather than in a column.

An export that covers a single product (one AI tool's usage report, say) has no column
naming it; the landing file's name does, by a pattern its contract declares. A cell the
file fills itself is kept; a file name that does not match leaves the cells empty, so
the contract's missing-value check quarantines them.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from ingestion.contracts import SourceContract


def fill_from_file_name(text: pl.DataFrame, contract: SourceContract, path: Path) -> pl.DataFrame:
    """`text` (renamed to the contract) with empty cells of the contract's file-name
    columns filled from `path`'s name."""
    fills = []
    for column, pattern in contract.from_file_name.items():
        found = re.match(pattern, path.name)
        if found is None:
            continue
        cell = pl.col(column).str.strip_chars()
        fills.append(
            pl.when(cell.is_null() | (cell == ""))
            .then(pl.lit(found.group(1)))
            .otherwise(cell)
            .alias(column)
        )
    return text.with_columns(fills) if fills else text
