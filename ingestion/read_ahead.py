"""Overlap producing the next item with consuming the current one.

Reading and parsing a file (Polars) or converting a batch of rows (DuckDB) release the
GIL, so a second thread doing them while the caller writes or validates the current item
uses the second core. One item ahead: at most two are in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def read_ahead(items: Iterator[T], name: str = "read-ahead") -> Iterator[T]:
    """The items of `items`, in order, each produced while the previous one is used."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) as pool:
        pending = pool.submit(next, items, _DONE)
        while (item := pending.result()) is not _DONE:
            pending = pool.submit(next, items, _DONE)
            yield item
