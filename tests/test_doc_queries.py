"""Every SQL query in README.md and docs/*.md (```sql blocks, and inline `select ...`)
runs against a serving file the demo pipeline published, and returns rows. SQL meant for
somewhere else (a dbt model, another engine) is fenced with another language."""

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
FENCED_SQL = re.compile(r"^```sql\n(.*?)^```", re.DOTALL | re.MULTILINE)
INLINE_SQL = re.compile(r"`((?:select|with) [^`]+)`", re.IGNORECASE)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def documented_queries() -> Iterator[tuple[str, str]]:
    """(file:line, one statement) for every statement documented."""
    with duckdb.connect() as parser:
        for path in DOCS:
            text = path.read_text()
            where = path.relative_to(PROJECT_ROOT)
            for block in FENCED_SQL.finditer(text):
                for statement in parser.extract_statements(block.group(1)):
                    yield f"{where}:{_line(text, block.start())}", statement.query
            for inline in INLINE_SQL.finditer(text):
                yield f"{where}:{_line(text, inline.start())}", inline.group(1)


QUERIES = list(documented_queries())


def test_the_readme_queries_are_among_those_run():
    readme = [query for where, query in QUERIES if where.startswith("README.md")]
    assert any("duckdb_tables()" in query for query in readme)
    assert len(QUERIES) >= 5


@pytest.mark.parametrize(("where", "query"), QUERIES, ids=[where for where, _ in QUERIES])
def test_documented_query_runs_on_the_serving_file(pipeline, where: str, query: str):
    serving: Path = pipeline.settings.serving_path
    with duckdb.connect(str(serving), read_only=True) as con:
        rows = con.execute(query).fetchall()
    assert rows, f"{where}: no rows from {query}"
