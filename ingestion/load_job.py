"""What every file of one source's load shares, whether it is read whole or in parts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingestion.contracts import SourceContract
from ingestion.settings import Streaming
from ingestion.validation import DateBounds

PartProgress = Callable[[str, int], None]  # file, rows read so far


@dataclass(frozen=True)
class LoadJob:
    contract: SourceContract
    key: bytes  # the pseudonymisation key
    bounds: DateBounds
    streaming: Streaming
    run_id: str
    on_part: PartProgress | None = None
