"""Initiative registry: YAML → raw tables, and errors that name file, line and key."""

import time

import pytest

from ingestion.errors import SourceLoadError
from ingestion.registry import DDL, load_registry
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
    # Not declared: the cost per defect is taken not to cover rework.
    assert scalar(con, "select cost_per_defect_includes_rework from raw.initiatives") is False


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


def bomb(levels: int) -> str:
    """A registry file whose population is `levels` nested aliases, each repeating the one
    before nine times (the "billion laughs"): 9**levels units from a file of about 1 KB."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{aliases}]")
    return VALID.replace(
        "population: [S1, S2, S3]", "\n".join(lines) + f"\npopulation: *lol{levels}"
    )


def ledger_rows(con) -> list[tuple]:
    return con.execute(
        "select file_path, status, rows_read, rows_loaded, rows_quarantined "
        "from audit.load_ledger order by file_path"
    ).fetchall()


def quarantine_rows(con) -> list[tuple]:
    return con.execute(
        "select file_path, source_row, column_name, reason, raw_values from audit.quarantine"
    ).fetchall()


def test_yaml_alias_bomb_is_rejected_at_once(con, tmp_path):
    write_text(tmp_path / "initiatives" / "bomb.yaml", bomb(levels=9))
    started = time.perf_counter()

    with pytest.raises(SourceLoadError) as raised:
        load_registry(con, tmp_path)

    assert time.perf_counter() - started < 0.5
    assert (
        "bomb.yaml, row 5: YAML aliases (*name) are not supported in registry files. "
        "Fix: write the value out in full instead of referring to an anchor (&name)"
    ) in str(raised.value)
    assert ledger_rows(con) == [("initiatives/bomb.yaml", "rejected", 1, 0, 1)]


def test_registry_file_above_the_size_limit_is_not_parsed(con, tmp_path):
    write_text(tmp_path / "initiatives" / "big.yaml", VALID + "# padding\n" * 110_000)

    with pytest.raises(
        SourceLoadError,
        match=r"big\.yaml: larger than 1,000,000 bytes, the limit for a registry file; not parsed",
    ):
        load_registry(con, tmp_path)
    assert ledger_rows(con) == [("initiatives/big.yaml", "rejected", 1, 0, 1)]


BAD_FILES = {
    "whole number as a word": (
        VALID + "baseline_months: twelve\n",
        "column 'baseline_months': expected a whole number, found 'twelve'",
    ),
    "fractional months": (
        VALID + "ramp_up_months: 1.5\n",
        "column 'ramp_up_months': expected a whole number, found 1.5",
    ),
    "months beyond a bigint": (
        VALID + f"baseline_months: {10**30}\n",
        f"column 'baseline_months': {10**30} is not a number of months from 0 to 1200",
    ),
    "objective as text": (
        VALID + "  - cut handling time by 20%\n",
        "column 'objectives[2]': expected a mapping (key: value lines), found text",
    ),
    "objectives as a mapping": (
        VALID.split("objectives:")[0] + "objectives: {metric: revenue}\n",
        "column 'objectives': expected a list, found a mapping (key: value lines)",
    ),
    "assumptions as a list": (
        VALID.replace("assumptions: {loaded_hourly_cost: 48}", "assumptions: [48]"),
        "column 'assumptions': expected a mapping (key: value lines), found a list",
    ),
    "costs as a number": (
        VALID.replace(
            "costs: {development: 200000, implementation: 50000, running_monthly: 8000}",
            "costs: 258000",
        ),
        "column 'costs': expected a mapping (key: value lines), found 258000",
    ),
    "owner as a list": (
        VALID + "owner: [Ana, Ben]\n",
        "column 'owner': expected text, found a list",
    ),
    "population entry as a mapping": (
        VALID.replace("population: [S1, S2, S3]", "population: [S1, S2, {unit: S3}]"),
        "column 'population[3]': expected a unit id, found a mapping (key: value lines)",
    ),
    "roll-out unit as a list": (
        VALID.replace("{unit: S1,", "{unit: [S1],"),
        "column 'rollout[1].unit': expected a unit id, found a list",
    ),
    "go-live with a time": (
        VALID.replace("go_live: 2025-10-01}", "go_live: 2025-10-01 09:00:00}"),
        "column 'rollout[1].go_live': expected a date (YYYY-MM-DD), "
        "found a date and time 2025-10-01 09:00:00",
    ),
    "decrease target above 0": (
        VALID.replace("target_pct: -20", "target_pct: 30"),
        "column 'objectives[1].target_pct': 30 does not go the objective's direction "
        "(decrease): a decrease target is below 0, e.g. target_pct: -30",
    ),
    "zero target": (
        VALID.replace("target_pct: -20", "target_pct: 0"),
        "column 'objectives[1].target_pct': 0 does not go the objective's direction "
        "(decrease): a decrease target is below 0, e.g. target_pct: -10",
    ),
    "level objective with a deadline too": (
        VALID.replace(
            "target_pct: -20, deadline: 2026-06-30",
            "target_level: 0.7, by_month: 3, deadline: 2026-06-30",
        ),
        "column 'objectives[1].deadline': an objective with target_level is reached "
        "by_month, not by deadline: keep one kind of target",
    ),
    "level objective by a month in words": (
        VALID.replace(
            "target_pct: -20, deadline: 2026-06-30", "target_level: 0.7, by_month: three"
        ),
        "column 'objectives[1].by_month': expected the month after go-live to judge the level "
        "in (0 = the go-live month), found 'three'",
    ),
    "cost flag as a word": (
        VALID.replace(
            "assumptions: {loaded_hourly_cost: 48}",
            "assumptions: {cost_per_defect_includes_rework: partly}",
        ),
        "column 'assumptions.cost_per_defect_includes_rework': expected true or false, "
        "found 'partly'",
    ),
    "long unknown unit type": (
        VALID.replace("unit_type: support_team", "unit_type: " + "x" * 100),
        f"column 'unit_type': '{'x' * 39}... (102 characters) is not one of "
        "production_line, support_team, region, department, team, rnd_team",
    ),
}


def load_before_a_valid_file(con, tmp_path, write_bad) -> str:
    """Write a bad `a.yaml` (by `write_bad(path)`) and a valid `b.yaml` sorted after it;
    load both and return the error message of the run."""
    write_bad(tmp_path / "initiatives" / "a.yaml")
    write_text(tmp_path / "initiatives" / "b.yaml", VALID)

    with pytest.raises(SourceLoadError) as raised:
        load_registry(con, tmp_path)

    assert ledger_rows(con) == [
        ("initiatives/a.yaml", "rejected", 1, 0, 1),
        ("initiatives/b.yaml", "loaded", 1, 1, 0),
    ]
    assert scalar(con, "select list(initiative_id) from raw.initiatives") == ["support-copilot"]
    return str(raised.value)


@pytest.mark.parametrize(("text", "problem"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_malformed_registry_file_names_the_key_and_the_files_after_it_load(
    con, tmp_path, text, problem
):
    message = load_before_a_valid_file(con, tmp_path, lambda path: write_text(path, text))

    assert f"a.yaml, {problem}" in message
    column, reason = problem.removeprefix("column '").split("': ", 1)
    assert quarantine_rows(con) == [("initiatives/a.yaml", 1, column, reason, None)]


def test_latin1_registry_file_is_rejected_as_not_utf8(con, tmp_path):
    text = VALID.replace("name: Support copilot", "name: Assistant für Kundendienst")
    message = load_before_a_valid_file(
        con, tmp_path, lambda path: write_text(path, text, encoding="latin-1")
    )

    assert (
        "a.yaml, row 2: not UTF-8 (byte 0xfc: saved as Latin-1 or Windows-1252?). "
        "Fix: save the file as UTF-8 (in most editors: Save as..., Encoding: UTF-8)"
    ) in message
    assert quarantine_rows(con) == [
        (
            "initiatives/a.yaml", 2, None,
            "not UTF-8 (byte 0xfc: saved as Latin-1 or Windows-1252?)", None,
        )
    ]  # fmt: skip


def test_directory_named_like_a_registry_file_is_rejected(con, tmp_path):
    message = load_before_a_valid_file(con, tmp_path, lambda path: path.mkdir(parents=True))

    assert "a.yaml: a directory, not a file; not read" in message
    assert quarantine_rows(con) == [
        ("initiatives/a.yaml", 1, None, "a directory, not a file; not read", None)
    ]
    assert (
        scalar(con, "select content_hash from audit.load_ledger where file_path like '%a.yaml'")
        == "not read"
    )


def test_unforeseen_error_rejects_the_file_naming_only_the_exception_type(con, tmp_path):
    # Nesting this deep exhausts the YAML composer's recursion.
    deep = VALID + "notes: " + "[" * 5000 + "]" * 5000 + "\n"
    message = load_before_a_valid_file(con, tmp_path, lambda path: write_text(path, deep))

    assert (
        "a.yaml: could not be read (RecursionError). "
        "Fix: compare the file with docs/initiative-registry.md"
    ) in message
    assert quarantine_rows(con) == [
        ("initiatives/a.yaml", 1, None, "could not be read (RecursionError)", None)
    ]


def test_a_warehouse_from_before_the_cost_flag_loads_it(con, tmp_path):
    """raw.initiatives created without cost_per_defect_includes_rework gets the column."""
    con.execute("create schema raw")
    old_ddl = DDL.replace("    cost_per_defect_includes_rework boolean,\n", "").split("-- ")[0]
    assert "includes_rework" not in old_ddl
    con.execute(old_ddl)
    write_text(tmp_path / "initiatives" / "support-copilot.yaml", VALID)

    load_registry(con, tmp_path)

    assert scalar(con, "select cost_per_defect_includes_rework from raw.initiatives") is False


LEVEL_OBJECTIVE = (
    "  - {metric: weekly_utilisation, direction: increase, target_level: 0.7, by_month: 3}\n"
)


def test_a_level_objective_loads_beside_a_change_objective(con, tmp_path):
    write_text(tmp_path / "initiatives" / "support-copilot.yaml", VALID + LEVEL_OBJECTIVE)

    load_registry(con, tmp_path)

    rows = con.execute(
        "select objective_number, metric, objective_kind, target_pct, deadline::varchar, "
        "target_level, by_month from raw.initiative_objectives order by objective_number"
    ).fetchall()
    assert rows == [
        (1, "task_duration_mean", "change", -20.0, "2026-06-30", None, None),
        (2, "weekly_utilisation", "level", None, None, 0.7, 3),
    ]


def test_a_warehouse_from_before_level_objectives_loads_them(con, tmp_path):
    """raw.initiative_objectives created without the level columns gets them."""
    con.execute("create schema raw")
    con.execute(
        "create table raw.initiative_objectives (initiative_id varchar, "
        "objective_number bigint, metric varchar, direction varchar, target_pct double, "
        "deadline date, _source_file varchar not null, _source_row bigint not null, "
        "_loaded_at timestamp not null)"
    )
    write_text(tmp_path / "initiatives" / "support-copilot.yaml", VALID + LEVEL_OBJECTIVE)

    load_registry(con, tmp_path)

    assert (
        scalar(con, "select target_level from raw.initiative_objectives where by_month = 3") == 0.7
    )
