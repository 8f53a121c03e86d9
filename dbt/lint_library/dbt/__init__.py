"""Stand-ins for dbt's cross-database macros, for sqlfluff's jinja templater only.

sqlfluff lints the models without running dbt; these render each macro roughly as
dbt-duckdb does so the SQL around them parses. dbt itself never imports this.
"""


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def dateadd(datepart: str, interval: str, from_date_or_timestamp: str) -> str:
    return f"({from_date_or_timestamp} + interval ({interval}) {datepart})"


def concat(fields: list[str]) -> str:
    return " || ".join(fields)


def safe_cast(field: str, type_name: str) -> str:
    return f"try_cast({field} as {type_name})"


def type_string() -> str:
    return "varchar"


def type_timestamp() -> str:
    return "timestamp"


def type_int() -> str:
    return "integer"


def type_bigint() -> str:
    return "bigint"


def type_float() -> str:
    return "double"


def type_numeric() -> str:
    return "numeric(28, 6)"


def type_boolean() -> str:
    return "boolean"


def last_day(date: str, datepart: str) -> str:
    return f"last_day({date})"


def generate_series(upper_bound: int) -> str:
    return f"select range as generated_number from range(1, {upper_bound} + 1)"


def date_spine(datepart: str, start_date: str, end_date: str) -> str:
    step = f"interval 1 {datepart}"
    return f"select range as date_{datepart} from range({start_date}, {end_date}, {step})"
