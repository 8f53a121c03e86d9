"""Great Expectations behind three calls: open a context, add a checkpoint, run it on a frame.

Everything GX is imported inside the functions: `import great_expectations` costs about
three seconds, which listing suites or importing the Dagster definitions should not pay.

The context is ephemeral (nothing written) unless Data Docs are wanted. Then the
expectation suites and validation results are kept as JSON in `<docs_dir>/.gx_stores/`,
because GX rebuilds the site index from those stores and deletes the pages it finds no
result for: with in-memory stores each validation would wipe the pages of the others.
Rebuilding the site re-reads every stored result, so it is done by `build_docs`, once per
run (and at once when a validation fails), not after each validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.offline_docs import make_offline
from expectations.outcome import SAMPLE_SIZE

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations import Checkpoint
    from great_expectations.data_context import AbstractDataContext

DATASOURCE = "duckdb"
DOCS_SITE = "quality_docs"
STORES_FOLDER = ".gx_stores"
DOCS_RESULTS_LIMIT = 100  # newest results listed on the index; each is re-read per rebuild
# BASIC has every count and sample the outcome needs; SUMMARY's extra value counts and
# row indexes cost a fifth more time on million-row batches.
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": SAMPLE_SIZE}


def open_context(docs_dir: Path | None) -> AbstractDataContext:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults(init_temp_docs_sites=False)
    stores, sites = defaults.stores, {}
    if docs_dir is not None:
        stores = {**stores, **_file_stores(docs_dir.resolve() / STORES_FOLDER)}
        sites = {DOCS_SITE: _site(docs_dir.resolve())}
    config = DataContextConfig(
        store_backend_defaults=defaults,
        stores=stores,
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.data_sources.add_pandas(DATASOURCE)
    return context


def add_checkpoint(
    context: AbstractDataContext, name: str, expectations: list[dict], meta: dict
) -> Checkpoint:
    """A checkpoint validating one pandas frame against `expectations`, named `name`."""
    import great_expectations as gx

    suite = context.suites.add_or_update(
        gx.ExpectationSuite(name=name, expectations=expectations, meta=meta)
    )
    asset = context.data_sources.get(DATASOURCE).add_dataframe_asset(name)
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(
            name=name, data=asset.add_batch_definition_whole_dataframe("frame"), suite=suite
        )
    )
    return context.checkpoints.add(
        gx.Checkpoint(
            name=name,
            validation_definitions=[validation],
            actions=[],
            result_format=RESULT_FORMAT,
        )
    )


def build_docs(docs_dir: Path) -> Path:
    """(Re)build the Data Docs site from every stored result, readable offline
    (expectations/offline_docs.py); return its index page."""
    open_context(docs_dir).build_data_docs(site_names=[DOCS_SITE])
    make_offline(docs_dir)
    return docs_dir / "index.html"


def run_checkpoint(
    checkpoint: Checkpoint, frame: pd.DataFrame, parameters: dict[str, Any], run_id: str
) -> list[dict[str, Any]]:
    """Results in the suite's order, each `success`, `result` and `exception` (or None)."""
    from great_expectations.core.run_identifier import RunIdentifier

    checkpoint_result = checkpoint.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=parameters,
        run_id=RunIdentifier(run_name=run_id),
    )
    (validation,) = checkpoint_result.run_results.values()
    by_id = {result.expectation_config.id: result for result in validation.results}
    suite = checkpoint.validation_definitions[0].suite
    return [_plain_result(by_id[expectation.id]) for expectation in suite.expectations]


def _plain_result(result: Any) -> dict[str, Any]:
    return {
        "success": bool(result.success),
        "result": dict(result.result or {}),
        "exception": _exception_message(result.exception_info or {}),
    }


def _exception_message(info: dict[str, Any]) -> str | None:
    # GX puts one exception at the top level, or one per failing metric keyed by metric id.
    candidates = [info, *(v for v in info.values() if isinstance(v, dict))]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            return str(candidate.get("exception_message") or "exception raised")
    return None


def _file_stores(folder: Path) -> dict[str, dict]:
    def backend(name: str) -> dict:
        return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder / name)}

    return {
        "expectations_store": {
            "class_name": "ExpectationsStore",
            "store_backend": backend("suites"),
        },
        "validation_results_store": {
            "class_name": "ValidationResultsStore",
            "store_backend": backend("validations"),
        },
    }


def _site(docs_dir: Path) -> dict:
    return {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "validation_results_limit": DOCS_RESULTS_LIMIT,
        },
        # No GX walkthrough popping up over each validation page: the readers run no GX.
        "show_how_to_buttons": False,
        # GX prints sampled and observed values unescaped: see expectations/data_docs.py.
        "site_section_builders": {
            "validations": {
                "renderer": {
                    "module_name": "expectations.data_docs",
                    "class_name": "EscapedValidationResultsPageRenderer",
                }
            }
        },
    }
