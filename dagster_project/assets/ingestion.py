"""One asset per landing source (landing files → raw table), plus the initiative registry.

Asset keys are ("raw", <table>): the dbt source `raw.<table>` maps onto them by default,
so the ingestion and dbt lineage form one graph.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from dagster_project.column_schemas import COLUMN_SCHEMA, table_schema
from dagster_project.resources import WarehouseResource
from ingestion import registry
from ingestion.contracts import CONTRACTS, ORGANISATION_UNITS, SourceContract
from ingestion.duckdb_helpers import scalar
from ingestion.errors import IngestionError, SourceLoadError
from ingestion.ledger import FileOutcome
from ingestion.loader import SourceLoadReport, landing_files, load_source

GROUP = "ingestion"
ORGANISATION_KEY = dg.AssetKey(["raw", ORGANISATION_UNITS.table])


def _log_file(context: dg.AssetExecutionContext, files: int):
    """Progress per file: `[3/30] operations/tasks_2024-07.jsonl: loaded, ...`."""
    seen = 0

    def log(outcome: FileOutcome) -> None:
        nonlocal seen
        seen += 1
        if outcome.status == "unchanged":
            return
        context.log.info(
            f"[{seen}/{files}] {outcome.file_path}: {outcome.status}, read {outcome.rows_read:,}, "
            f"loaded {outcome.rows_loaded:,}, quarantined {outcome.rows_quarantined:,}"
        )

    return log


def _log_part(context: dg.AssetExecutionContext):
    """Progress inside a file streamed in parts: `operations/big.jsonl: 4,200,000 rows read`."""

    def log(file: str, rows_read: int) -> None:
        context.log.info(f"{file}: {rows_read:,} rows read so far (streamed in parts)")

    return log


@contextmanager
def _failing_clearly() -> Iterator[None]:
    """Rejected files fail the step with the loader's message (file, row, column, fix)."""
    try:
        yield
    except SourceLoadError as error:
        raise dg.Failure(
            description=str(error),
            metadata={"rejected_files": [str(e.path) for e in error.errors]},
        ) from error
    except IngestionError as error:  # the source as a whole cannot load (a changed key)
        raise dg.Failure(description=str(error)) from error


def _load_metadata(report: SourceLoadReport, table_rows: int) -> dict[str, object]:
    return {
        "files_seen": len(report.files),
        "files_loaded": report.count("loaded"),
        "files_unchanged": report.count("unchanged"),
        "files_duplicate": report.count("duplicate"),
        "rows_read": report.total("rows_read"),
        "rows_loaded": report.total("rows_loaded"),
        "rows_quarantined": report.total("rows_quarantined"),
        "dagster/row_count": table_rows,
    }


def _row_count(con, table: str) -> int:
    return scalar(con, f"select count(*) from raw.{table}")


def _table_metadata(con, report: SourceLoadReport, table: str) -> dict[str, object]:
    """What was loaded, the table's row count, and its columns with their DuckDB types."""
    metadata = _load_metadata(report, _row_count(con, table))
    schema = table_schema(con, "raw", table)
    return {**metadata, COLUMN_SCHEMA: schema} if schema else metadata


def build_source_asset(contract: SourceContract) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["raw", contract.table]),
        # The organisation file first: it may close the unit lists the others are checked on.
        deps=[] if contract is ORGANISATION_UNITS else [ORGANISATION_KEY],
        group_name=GROUP,
        kinds={"polars", "duckdb"},
        pool="duckdb",
        description=f"{contract.description} Loaded from `<landing>/{contract.folder}/`.",
        metadata={
            "dagster/table_name": f"raw.{contract.table}",
            "landing_folder": contract.folder,
            "file_patterns": ", ".join(contract.patterns),
        },
    )
    def _load(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        landing = Path(warehouse.landing_dir)
        files = len(landing_files(contract, landing))
        context.log.info(f"{files} files in {landing / contract.folder}; loading new and changed")
        with warehouse.connect() as con, _failing_clearly():
            report = load_source(
                con,
                contract,
                landing,
                warehouse.pseudonymisation_key(),
                run_id=context.run_id,
                on_file=_log_file(context, files),
                bounds=warehouse.date_bounds(),
                streaming=warehouse.streaming(),
                on_part=_log_part(context),
                closed_unit_types=warehouse.closed_units(),
            )
            metadata = _table_metadata(con, report, contract.table)
        return dg.MaterializeResult(metadata=metadata)

    return _load


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            dg.AssetKey(["raw", table]),
            group_name=GROUP,
            kinds={"duckdb"},
            description="AI initiative registry (YAML files in `<landing>/initiatives/`).",
            metadata={"dagster/table_name": f"raw.{table}"},
        )
        for table in registry.TABLES
    ],
    name="initiative_registry",
    pool="duckdb",
)
def initiative_registry(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con, _failing_clearly():
        report = registry.load_registry(con, Path(warehouse.landing_dir), run_id=context.run_id)
        metadata = {table: _table_metadata(con, report, table) for table in registry.TABLES}
    for table in registry.TABLES:
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", table]), metadata=metadata[table])


source_assets = [build_source_asset(contract) for contract in CONTRACTS.values()]
