"""Benchmarks of the demo company (`benchmarks/`): peer adoption in the shape of Eurostat's
SDMX-CSV export of `isoc_eb_ai`, and competitor moves.

Every figure is INVENTED for the demo: the file names say so, and the competitors are
named as examples. The real table is published by Eurostat (docs/opportunities.md).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .writers import tally, write_csv

EUROSTAT_FILE = "invented_figures_isoc_eb_ai_linear.csv"
COMPETITOR_FILE = "competitor_moves_invented.csv"
EUROSTAT_HEADER = (
    "DATAFLOW", "LAST UPDATE", "freq", "unit", "indic_is", "size_emp", "nace_r2", "geo",
    "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS",
)  # fmt: skip
# Share of enterprises using AI for each purpose, in percent, for all enterprises of 10+
# persons in the EU in 2024; the other cells are derived from it below.
PURPOSE_PERCENT = {
    "E_AI_TANY": 13.5,
    "E_AI_PMS": 4.1,
    "E_AI_PPP": 3.2,
    "E_AI_PBAM": 3.6,
    "E_AI_PLOG": 1.4,
    "E_AI_PICT": 2.8,
    "E_AI_PACC": 2.5,
    "E_AI_PRD": 2.9,
    "E_AI_PHR": 1.1,
}
# Multipliers of the base cell: large firms, the electronics sector, France, 2023.
SIZE_FACTOR = {"GE10": 1.0, "GE250": 3.1}
SECTOR_FACTOR = {"C10-S951_X_K": 1.0, "C26": 2.2}
GEO_FACTOR = {"EU27_2020": 1.0, "FR": 0.8}
YEAR_FACTOR = {2023: 0.7, 2024: 1.0}
# Cells Eurostat withholds: published with an empty value and flag c (confidential).
CONFIDENTIAL = {("E_AI_PLOG", "GE250", "C26", "FR", 2023)}

COMPETITOR_MOVES = (
    ("Example Rival A (invented)", "production processes", "quality_report_writing",
     "Generative AI drafts nonconformity reports", "2025-03-12", "high"),
    ("Example Rival B (invented)", "production processes", "quality_report_writing",
     "Shift reports summarised by a language model", "2025-06-02", "medium"),
    ("Example Rival A (invented)", "accounting and finance", None,
     "Invoice capture and matching with AI", "2024-11-20", "high"),
    ("Example Rival C (invented)", "marketing and sales", "sales_quote_prep",
     "Quote drafting assistant for the sales force", "2025-01-15", "medium"),
    ("Example Rival B (invented)", "marketing and sales", None,
     "Customer service chatbot", "2024-09-30", "low"),
    ("Example Rival C (invented)", "administration and management", "contract_review",
     "Contract clause extraction", "2025-04-08", "low"),
)  # fmt: skip


def write_benchmarks(landing: Path) -> dict[str, int]:
    folder = landing / "benchmarks"
    folder.mkdir(parents=True, exist_ok=True)
    return tally(
        [
            write_csv(eurostat_frame(), folder / EUROSTAT_FILE),
            write_csv(competitor_frame(), folder / COMPETITOR_FILE),
        ]
    )


def eurostat_frame() -> pl.DataFrame:
    """One observation a row, as Eurostat's SDMX-CSV export writes it."""
    rows = [
        _observation(indic, size, sector, geo, year)
        for indic in PURPOSE_PERCENT
        for size in SIZE_FACTOR
        for sector in SECTOR_FACTOR
        for geo in GEO_FACTOR
        for year in YEAR_FACTOR
    ]
    return pl.DataFrame(rows, schema=list(EUROSTAT_HEADER), orient="row")


def _observation(indic: str, size: str, sector: str, geo: str, year: int) -> tuple:
    value = round(
        PURPOSE_PERCENT[indic]
        * SIZE_FACTOR[size]
        * SECTOR_FACTOR[sector]
        * GEO_FACTOR[geo]
        * YEAR_FACTOR[year],
        2,
    )
    withheld = (indic, size, sector, geo, year) in CONFIDENTIAL
    return (
        "ESTAT:ISOC_EB_AI(1.0)", "16/01/25 23:00:00", "A", "PC_ENT", indic, size, sector,
        geo, str(year), None if withheld else str(value), "c" if withheld else None,
        "C" if withheld else None,
    )  # fmt: skip


def competitor_frame() -> pl.DataFrame:
    columns = ["competitor", "function", "process", "use_case", "move_date", "confidence"]
    frame = pl.DataFrame(COMPETITOR_MOVES, schema=columns, orient="row")
    url = pl.format("https://example.com/invented-move-{}", pl.int_range(1, pl.len() + 1))
    return frame.with_columns(url.alias("source_url")).select(
        *columns[:5], "source_url", "confidence"
    )
