"""Stand-in for dbt's `adapter` object, for sqlfluff's jinja templater only: dispatch
renders the DuckDB implementation of the project's dispatched macros."""

DUCKDB_IMPLEMENTATIONS = {
    "median": lambda expression: f"median({expression})",
    "type_double": lambda: "double",
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
