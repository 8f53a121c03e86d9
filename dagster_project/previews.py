"""What each mart's asset page shows: its row count, and for the headline marts a small
markdown table of top-line figures. Read from the warehouse after dbt has finished with it."""

from collections.abc import Callable

import dagster as dg
import duckdb

from ingestion.duckdb_helpers import scalar

MarkdownQuery = Callable[[duckdb.DuckDBPyConnection], str]


def _markdown(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    cursor = con.execute(sql)
    header = [column[0] for column in cursor.description]
    rows = cursor.fetchall()
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# Headline marts and the figures their asset pages lead with.
TOP_LINE_SQL = {
    "initiative_roi": """
        select initiative_id as initiative,
            format('{:.0f}% [{:.0f}% – {:.0f}%]', 100 * roi, 100 * roi_p5, 100 * roi_p95) as roi,
            format('{:.0f}%', 100 * probability_npv_positive) as p_npv_positive,
            format('{:.0f}%', 100 * first_year_roi) as first_year_roi,
            format('{:,.0f}', npv) as npv,
            format('{:,.0f}', npv_to_date) as npv_measured_to_date,
            format('{:,.0f}', npv_projected) as npv_projected,
            payback_months_simple as payback_months
        from marts.initiative_roi order by npv desc nulls last""",
    "initiative_effects": """
        select initiative_id as initiative, metric_name as metric,
            format('{:+.1f}%', 100 * naive_change_pct) as naive,
            format('{:+.1f}% [{:+.1f}%, {:+.1f}%]', 100 * did_effect_pct, 100 * did_ci_low_pct,
                100 * did_ci_high_pct) as attributed, evidence
        from marts.initiative_effects where ci_excludes_zero order by 1, 2""",
    "initiative_objectives": """
        select initiative_id as initiative, metric_name as metric,
            case objective_kind
                when 'level' then format('{:g} by month {}', target_level, by_month_after_go_live)
                else format('{:+.0f}%', 100 * target_effect_pct)
            end as target,
            deadline_date as deadline,
            case objective_kind
                when 'level' then format('{:.3g}', achieved_level)
                else format('{:+.1f}%', 100 * attributed_effect_pct)
            end as measured,
            objective_status
        from marts.initiative_objectives order by 1, 2""",
}


def mart_metadata(warehouse_path: str, keys: list[dg.AssetKey]) -> dict[dg.AssetKey, dict]:
    """Row counts for every mart built, plus top-line tables for the headline marts."""
    metadata: dict[dg.AssetKey, dict] = {}
    with duckdb.connect(warehouse_path, read_only=True) as con:
        built = {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()}  # fmt: skip
        for key in keys:
            table = key.path[-1]
            if table not in built:
                continue
            metadata[key] = {
                "dagster/row_count": scalar(con, f"select count(*) from marts.{table}")
            }
            if table in TOP_LINE_SQL:
                metadata[key]["top_line"] = dg.MetadataValue.md(_markdown(con, TOP_LINE_SQL[table]))
    return metadata
