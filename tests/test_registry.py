"""Initiative registry: YAML → raw tables, and errors that name file, line and key."""

import duckdb
import pytest

from ingestion.errors import SourceLoadError
from ingestion.registry import load_registry
from tests.helpers import scalar, write_text

VALID = """\
id: support-copilot
name: Support copilot
unit_type: support_team
population: [S1, S2, S3]
rollout:
  - {unit: S1, go_live: 2025-10-01}
  - {unit: S2, go_live: 2026-01-01}
costs: {development: 200000, implementation: 50000, running_monthly: 8000}
assumptions: {loaded_hourly_cost: 48}
objectives:
  - {metric: task_duration_mean, direction: decrease, target_pct: -20, deadline: 2026-06-30}
"""


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        yield connection


def test_valid_initiative_fills_the_three_tables(con, tmp_path):
    write_text(tmp_path / "initiatives" / "support-copilot.yaml", VALID)

    load_registry(con, tmp_path)

    units = con.execute(
        "select unit_id, go_live_date::varchar from raw.initiative_units order by unit_id"
    ).fetchall()
    assert units == [("S1", "2025-10-01"), ("S2", "2026-01-01"), ("S3", None)]
    hourly, haircut = con.execute(
        "select loaded_hourly_cost, benefit_risk_haircut from raw.initiatives"
    ).fetchone()
    assert (hourly, haircut) == (48.0, 0.10)  # given, and the documented default
    assert scalar(con, "select target_pct from raw.initiative_objectives") == -20.0


def test_yaml_syntax_error_names_the_line(con, tmp_path):
    write_text(
        tmp_path / "initiatives" / "broken.yaml",
        VALID.replace("unit_type: support_team", "unit_type: [oops"),
    )

    with pytest.raises(SourceLoadError) as raised:
        load_registry(con, tmp_path)

    # The parser notices the unclosed "[" of line 3 on line 4, and says so.
    assert "broken.yaml, row 4: YAML syntax error: expected ',' or ']'" in str(raised.value)


def test_missing_go_live_names_the_key(con, tmp_path):
    write_text(tmp_path / "initiatives" / "x.yaml", VALID.replace(", go_live: 2026-01-01", ""))

    with pytest.raises(
        SourceLoadError, match=r"x.yaml, column 'rollout\[2\].go_live': required date missing"
    ):
        load_registry(con, tmp_path)
    assert scalar(con, "select count(*) from raw.initiatives") == 0
    assert scalar(con, "select rows_quarantined from audit.load_ledger") == 1
