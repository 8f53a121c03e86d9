"""Stand-in for dbt's `adapter` object, for sqlfluff's jinja templater only: dispatch
renders the DuckDB implementation of the project's dispatched macros."""

DUCKDB_IMPLEMENTATIONS = {
    "median": lambda expression: f"median({expression})",
    "type_double": lambda: "double",
    "daily_increments": lambda day_column: {},
    "monthly_increments": lambda: {"materialized": "incremental", "incremental_strategy": "merge"},
    "day_partition_column": lambda timestamp_column, name: "",
    "one_file_per_day": lambda day_column: "",
    "incremental_rows": lambda source_relation, event_column, condition: condition,
    "plain_words": lambda text: (
        f"regexp_replace(strip_accents(lower({text})), '[^a-z0-9]+', ' ', 'g')"
    ),
    "json_text": lambda json_column, path: f"json_extract_string({json_column}, '{path}')",
    "ordered_string_agg": lambda text, delimiter, order_by: (
        f"string_agg({text}, {delimiter} order by {order_by})"
    ),
}


def dispatch(macro_name: str, macro_namespace: str | None = None):
    return DUCKDB_IMPLEMENTATIONS[macro_name]


class _Column:
    name = "unit_key"

    def is_float(self) -> bool:
        return False


def get_columns_in_relation(relation: object) -> list[_Column]:
    """No warehouse to ask while linting: one column, so that the SQL around it parses."""
    return [_Column()]
