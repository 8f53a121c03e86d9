"""Stand-in for dbt's `adapter` object, for sqlfluff's jinja templater only: dispatch
renders the DuckDB implementation of the project's dispatched macros."""

DUCKDB_IMPLEMENTATIONS = {
    "median": lambda expression: f"median({expression})",
    "type_double": lambda: "double",
}


def dispatch(macro_name: str, macro_namespace: str | None = None):
    return DUCKDB_IMPLEMENTATIONS[macro_name]
