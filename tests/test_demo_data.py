"""The demo-data generator: reproducible, shaped like docs/landing-files.md, effects as stated."""

import codecs
import hashlib
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

from ingestion.demo_data import generate
from ingestion.demo_data.company import ANNUAL_TURNOVER, HEADCOUNT
from ingestion.demo_data.sampling import (
    CarriedRounding,
    choose_in_groups,
    largest_remainder,
    rescale_to_mean,
)
from ingestion.demo_data.timeline import months

SCALE = 0.05
MONTHS = 30
EFFECT_METRICS = {
    "defective_rate", "defects_per_unit", "production_speed", "claims_cost",
    "task_duration_mean", "rework_rate", "error_rate", "revenue", "average_order_value",
    "job_satisfaction_mean", "turnover_rate", "time_to_market_median",
}  # fmt: skip
COLUMNS = {
    "hr_roster/roster.csv": "employee_id,department,team,hire_date,exit_date",
    "sales/customers.csv": "customer_id,region,segment,first_order_date",
    "sales/orders_2025-01.csv": (
        "order_id,customer_id,product_id,region,channel,order_date,amount,margin"
    ),
    "feedback/feedback_2025-01.csv": "response_id,response_date,region,channel,survey,score",
    "quality/inspections_2025-01.csv": (
        "unit_serial,line,inspected_at,defects_found,defective,reworked,passed_first_time,"
        "opportunities_per_unit"
    ),
    "quality/production_runs_2025-01.csv": "run_date,line,shift,units_produced,production_hours",
    "quality/claims.csv": "claim_id,claim_date,line,claim_type,units_affected,cost",
    "products/launches.csv": (
        "product_id,product_name,rnd_team,idea_date,launch_date,ai_assisted,ai_enabled"
    ),
    "hr_surveys/survey_2024Q2.csv": (
        "wave,response_date,employee_id,department,team,job_satisfaction,"
        "self_rated_productivity,enps_score,ai_tool_usage,completion_minutes,comment"
    ),
}
FRENCH_HEADER = (
    "vague;date_reponse;identifiant_employé;département;équipe;satisfaction_travail;"
    "productivité_perçue;recommandation_employeur;usage_outil_ia;durée_minutes;commentaire"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    landing = tmp_path_factory.mktemp("landing")
    return landing, generate(landing, scale=SCALE, seed=42)


@pytest.fixture(scope="module")
def landing(demo: tuple[Path, dict]) -> Path:
    return demo[0]


@pytest.fixture(scope="module")
def truth(demo: tuple[Path, dict]) -> dict:
    return demo[1]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _tasks(landing: Path) -> pl.DataFrame:
    return pl.read_ndjson(sorted((landing / "operations").glob("tasks_*.jsonl")))


def test_same_seed_and_scale_give_byte_identical_files(landing: Path, tmp_path: Path) -> None:
    generate(tmp_path, scale=SCALE, seed=42)
    assert _digests(tmp_path) == _digests(landing)
    assert len(_digests(landing)) == 1 + 10 + 30 + 31 + 30 + 61 + 1 + 5 + 2 + 1 + 1 + 2 + 24


def test_another_seed_gives_other_data(landing: Path, tmp_path: Path) -> None:
    generate(tmp_path, scale=SCALE, seed=7)
    ours, theirs = _digests(landing), _digests(tmp_path)
    assert ours.keys() == theirs.keys()
    assert ours["operations/tasks_2025-01.jsonl"] != theirs["operations/tasks_2025-01.jsonl"]


def test_every_documented_file_pattern_is_written(landing: Path) -> None:
    def names(folder: str, pattern: str) -> list[str]:
        return [p.name for p in (landing / folder).iterdir() if re.fullmatch(pattern, p.name)]

    assert len(names("operations", r"tasks_\d{4}-\d{2}\.jsonl")) == MONTHS
    assert len(names("sales", r"orders_\d{4}-\d{2}\.csv")) == MONTHS
    assert len(names("feedback", r"feedback_\d{4}-\d{2}\.csv")) == MONTHS
    assert len(names("quality", r"inspections_\d{4}-\d{2}\.csv")) == MONTHS
    assert len(names("quality", r"production_runs_\d{4}-\d{2}\.csv")) == MONTHS
    assert len(names("hr_surveys", r"survey_\d{4}Q[1-4]\.csv")) == 9
    assert names("hr_surveys", r"survey_\d{4}Q[1-4]\.xlsx") == ["survey_2025Q3.xlsx"]
    assert sorted(names("initiatives", r"[a-z0-9-]+\.yaml")) == [
        "hr-copilot.yaml", "product-ideation.yaml", "sales-assistant.yaml",
        "support-copilot.yaml", "vision-qc.yaml",
    ]  # fmt: skip
    for file, header in COLUMNS.items():
        assert (landing / file).read_text(encoding="utf-8").split("\n", 1)[0] == header
    task_keys = json.loads((landing / "operations/tasks_2025-01.jsonl").open().readline())
    assert list(task_keys) == [
        "task_id", "process", "task_type", "department", "team", "employee_id",
        "started_at", "ended_at", "status", "error_flag", "rework_flag", "ai_assisted",
    ]  # fmt: skip
    assert (landing / "ground_truth.json").is_file()


def test_volumes_scale_with_scale_and_the_rest_does_not(truth: dict, tmp_path: Path) -> None:
    double = generate(tmp_path, scale=2 * SCALE, seed=42)["files"]
    small = truth["files"]
    assert small["operations"]["rows"] == pytest.approx(100_000 * SCALE, rel=0.05)
    for source in ("operations", "feedback", "sales"):
        assert double[source]["rows"] / small[source]["rows"] == pytest.approx(2, rel=0.1)
    for source in ("hr_roster", "hr_surveys", "products", "initiatives"):
        assert double[source] == small[source]
    # Quality mixes scaled inspections with unscaled production runs and claims.
    assert double["quality"]["rows"] > small["quality"]["rows"] + 2000


def test_french_waves_have_semicolons_bom_latin1_and_decimal_commas(landing: Path) -> None:
    encodings = {}
    for path in sorted((landing / "hr_surveys").glob("*.csv")):
        data = path.read_bytes()
        if data.startswith(codecs.BOM_UTF8):
            encodings[path.name] = "utf-8-sig"
        else:
            try:
                data.decode("utf-8")
                encodings[path.name] = "utf-8"
            except UnicodeDecodeError:
                assert data.decode("latin-1") == data.decode("cp1252")
                encodings[path.name] = "latin-1"
    assert encodings == {
        "survey_2024Q2.csv": "utf-8", "survey_2024Q3.csv": "utf-8",
        "survey_2024Q4.csv": "utf-8-sig", "survey_2025Q1.csv": "latin-1",
        "survey_2025Q2.csv": "utf-8", "survey_2025Q4.csv": "utf-8-sig",
        "survey_2026Q1.csv": "latin-1", "survey_2026Q2.csv": "utf-8",
        "survey_2026Q3.csv": "utf-8",
    }  # fmt: skip
    for name, encoding in encodings.items():
        if encoding == "utf-8":
            continue
        text = (landing / "hr_surveys" / name).read_bytes().decode(encoding)
        assert text.split("\n", 1)[0] == FRENCH_HEADER
        answers = pl.read_csv(text.encode(), separator=";", infer_schema=False)
        assert answers.height > 500
        minutes = answers["durée_minutes"].drop_nulls()
        assert minutes.str.contains(r"^\d+,\d$").all()
        assert set(answers["usage_outil_ia"]) <= {"aucun", "léger", "intensif"}
        assert answers["commentaire"].str.contains("saisie manuelle des factures").any()


def test_xlsx_wave_reads_back_with_polars(landing: Path) -> None:
    answers = pl.read_excel(landing / "hr_surveys" / "survey_2025Q3.xlsx")
    assert answers.columns == COLUMNS["hr_surveys/survey_2024Q2.csv"].split(",")
    assert answers.height > 500
    assert set(answers["wave"]) == {"2025Q3"}
    assert answers["job_satisfaction"].is_between(1, 5).all()
    assert answers["response_date"].cast(pl.Date).dt.month().unique().to_list() == [9]


def test_survey_answers_carry_department_pain_points(landing: Path) -> None:
    answers = pl.read_csv(landing / "hr_surveys" / "survey_2024Q2.csv")
    assert 0.3 < answers["comment"].is_not_null().mean() < 0.5
    procurement = answers.filter(pl.col("department") == "Procurement")["comment"]
    assert procurement.str.contains("retyped|retype").any()
    finance = answers.filter(pl.col("department") == "Finance")["comment"]
    assert finance.str.contains("invoice entry").sum() >= 3


def test_ground_truth_lists_every_initiative_with_its_zero_effects(
    landing: Path, truth: dict
) -> None:
    assert json.loads((landing / "ground_truth.json").read_text()) == truth
    assert truth["seed"] == 42
    assert truth["scale"] == SCALE
    assert truth["period"] == {"start": "2024-05-01", "end": "2026-10-31", "months": 30}
    initiatives = truth["initiatives"]
    assert list(initiatives) == [
        "vision-qc", "support-copilot", "sales-assistant", "hr-copilot", "product-ideation",
    ]  # fmt: skip
    effects = {
        (e["initiative_id"], e["metric"]): e
        for item in initiatives.values()
        for e in item["effects"]
    }
    assert {metric for _, metric in effects} == EFFECT_METRICS
    assert effects["support-copilot", "error_rate"]["true_effect"] == 0
    assert effects["sales-assistant", "average_order_value"]["true_effect"] == 0
    assert effects["hr-copilot", "turnover_rate"]["true_effect"] == 0
    assert effects["vision-qc", "defective_rate"]["true_effect"] == -0.35
    assert effects["vision-qc", "production_speed"]["true_effect"] == 0.20
    assert effects["hr-copilot", "job_satisfaction_mean"]["kind"] == "absolute"
    assert {e["kind"] for e in effects.values()} == {"relative", "absolute"}
    assert initiatives["vision-qc"]["controls"] == ["L05", "L06", "L07", "L08"]
    assert truth["opportunities"]["expected_top"] == [
        "invoice_processing", "purchase_order_entry", "expense_audit",
    ]  # fmt: skip


def test_job_satisfaction_effect_is_the_exact_difference_of_expectations(truth: dict) -> None:
    shift = next(
        e["true_effect"]
        for e in truth["initiatives"]["hr-copilot"]["effects"]
        if e["metric"] == "job_satisfaction_mean"
    )
    for name in truth["initiatives"]["hr-copilot"]["treated"]:
        distribution = truth["job_satisfaction_distributions"][name]
        without, with_copilot = (
            sum(score * p for score, p in enumerate(distribution[key], start=1))
            for key in ("without", "with")
        )
        assert sum(distribution["with"]) == pytest.approx(1)
        assert with_copilot - without == pytest.approx(shift, abs=1e-12)


def test_case_study_claims_are_sized_for_ten_million_a_year(truth: dict) -> None:
    case = truth["case_study"]
    assert case["treated_lines_baseline_annual_claims_cost"] == 28_600_000
    assert case["expected_annual_claims_savings"] == pytest.approx(10_010_000)
    assert case["observed_baseline_annual_claims_cost"] == pytest.approx(28_600_000, rel=0.15)
    assert case["one_off_costs"] == 2_400_000


def test_it_sec_always_has_exactly_four_employees(landing: Path) -> None:
    roster = pl.read_csv(landing / "hr_roster" / "roster.csv", try_parse_dates=True)
    for day in pl.date_range(date(2024, 5, 1), date(2026, 10, 31), "1mo", eager=True):
        active = roster.filter(
            pl.col("hire_date") <= day, pl.col("exit_date").is_null() | (pl.col("exit_date") >= day)
        )
        assert active.filter(pl.col("team") == "IT-SEC").height == 4
        assert active.height == 900
    exits = roster.filter(pl.col("exit_date").is_not_null()).height
    assert 0.08 < exits / 900 / 2.5 < 0.16  # about 12% turnover a year over 2.5 years


def test_tasks_are_done_by_employees_of_that_team_employed_that_day(landing: Path) -> None:
    roster = pl.read_csv(landing / "hr_roster" / "roster.csv", try_parse_dates=True)
    tasks = _tasks(landing).join(roster, on="employee_id", how="left", suffix="_roster")
    day = pl.col("started_at").str.to_datetime().dt.date()
    assert tasks.filter(
        pl.col("team").is_not_null(), pl.col("team") != pl.col("team_roster")
    ).is_empty()
    employed = (pl.col("hire_date") <= day) & (
        pl.col("exit_date").is_null() | (day <= pl.col("exit_date"))
    )
    assert tasks.select(employed.all()).item()
    assert tasks["task_id"].is_unique().all()


def test_contract_review_is_the_poorly_recorded_process(landing: Path) -> None:
    tasks = _tasks(landing)
    missing = tasks.group_by("process").agg(
        type_missing=pl.col("task_type").is_null().mean(),
        team_missing=pl.col("team").is_null().mean(),
    )
    shares = dict(zip(missing["process"], missing["type_missing"], strict=True))
    assert 0.2 < shares.pop("contract_review") < 0.4
    assert set(shares.values()) == {0.0}
    assert (missing["type_missing"] == missing["team_missing"]).all()
    abandoned = tasks.filter(pl.col("status") == "abandoned")
    assert 0.015 < abandoned.height / tasks.height < 0.05
    assert abandoned["ended_at"].is_null().all()


def test_support_copilot_teams_work_ai_assisted_after_go_live(landing: Path) -> None:
    support = _tasks(landing).filter(pl.col("process") == "customer_support")
    after = support.filter(pl.col("team") == "S1", pl.col("started_at") >= "2025-10-01")
    before = support.filter(pl.col("team") == "S1", pl.col("started_at") < "2025-10-01")
    assert after["ai_assisted"].all()
    assert before["ai_assisted"].mean() < 0.05


def test_vision_qc_speeds_up_treated_lines_by_a_fifth(landing: Path) -> None:
    runs = pl.read_csv(sorted((landing / "quality").glob("production_runs_*.csv")))
    speed = (
        runs.with_columns(
            post=pl.col("run_date") >= "2025-11-01",
            treated=pl.col("line").is_in(["L01", "L02"]),
            control=pl.col("line").is_in(["L05", "L06", "L07", "L08"]),
        )
        .filter(pl.col("treated") | pl.col("control"))
        .group_by("treated", "post")
        .agg(pl.col("units_produced").sum() / pl.col("production_hours").sum())
        .sort("treated", "post")["units_produced"]
        .to_list()
    )
    control_growth, treated_growth = speed[1] / speed[0], speed[3] / speed[2]
    assert treated_growth / control_growth == pytest.approx(1.20, abs=0.01)
    assert treated_growth - 1 > 0.25  # the naive before/after overstates it


def test_registry_files_follow_the_documented_format(landing: Path) -> None:
    for path in sorted((landing / "initiatives").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert spec["id"] == path.stem
        assert {"id", "name", "unit_type", "population", "rollout", "costs"} <= spec.keys()
        assert all(isinstance(step["go_live"], date) for step in spec["rollout"])
        assert {step["unit"] for step in spec["rollout"]} < set(spec["population"])
        assert 1 <= len(spec["objectives"]) <= 3
    vision = yaml.safe_load((landing / "initiatives" / "vision-qc.yaml").read_text())
    assert vision["costs"] == {
        "development": 1500000,
        "implementation": 900000,
        "running_monthly": 50000,
    }


def test_carried_rounding_keeps_every_run_of_months_within_one_of_its_expectation() -> None:
    rng = np.random.default_rng(0)
    rounding = CarriedRounding(np.random.default_rng(1))
    expected = rng.uniform(0.2, 6.0, (40, 5))
    counts = np.array([rounding("key", month) for month in expected])
    assert counts.dtype == np.int64
    gap = np.cumsum(counts - expected, axis=0)
    # A run of months misses its expectation by the carry in minus the carry out: below 1.
    assert np.abs(gap).max() < 1


def test_stratified_helpers_allocate_exactly() -> None:
    rng = np.random.default_rng(0)
    group = rng.integers(0, 4, 2000)
    eligible = rng.random(2000) < 0.9
    chosen = choose_in_groups(rng, group, np.array([5, 0, 120, 10_000]), eligible)
    per_group = np.bincount(group[chosen], minlength=4)
    assert per_group[:3].tolist() == [5, 0, 120]
    assert per_group[3] == (eligible & (group == 3)).sum()  # capped at the eligible rows
    assert not (chosen & ~eligible).any()

    values = rng.lognormal(0, 0.5, 2000)
    target = np.array([1.0, 2.0, 3.0, 4.0])
    scaled = rescale_to_mean(values, group, target)
    means = np.bincount(group, weights=scaled) / np.bincount(group)
    assert means == pytest.approx(target)

    counts = largest_remainder(17, np.array([0.05, 0.12, 0.30, 0.38, 0.15]))
    assert counts.sum() == 17
    assert np.abs(counts - 17 * np.array([0.05, 0.12, 0.30, 0.38, 0.15])).max() < 1


def test_vision_qc_cuts_claims_cost_by_35_percent_with_little_noise(landing: Path) -> None:
    # Claims do not scale, so even the small test fixture has the full claims history.
    claims = pl.read_csv(landing / "quality" / "claims.csv")
    cost = (
        claims.with_columns(
            post=pl.col("claim_date") >= "2025-11-01",
            treated=pl.col("line").is_in(["L01", "L02"]),
        )
        .filter(pl.col("treated") | pl.col("line").is_in(["L05", "L06", "L07", "L08"]))
        .group_by("treated", "post")
        .agg(pl.col("cost").sum())
        .sort("treated", "post")["cost"]
        .to_list()
    )
    control_growth, treated_growth = cost[1] / cost[0], cost[3] / cost[2]
    assert treated_growth / control_growth == pytest.approx(0.65, abs=0.01)


def test_job_satisfaction_cells_follow_their_expected_means(landing: Path, truth: dict) -> None:
    """Answers are allocated per department and wave: each wave's mean is the expected
    mean (plus the copilot's exact shift after go-live), with no trend, up to rounding."""
    distributions = truth["job_satisfaction_distributions"]
    treated = truth["initiatives"]["hr-copilot"]["treated"]
    scores = np.arange(1, 6)
    for wave in ("2024Q2", "2024Q3", "2026Q2", "2026Q3"):  # the English CSV waves
        answers = pl.read_csv(landing / "hr_surveys" / f"survey_{wave}.csv")
        means = answers.group_by("department").agg(pl.col("job_satisfaction").mean(), pl.len())
        for department, mean, respondents in means.iter_rows():
            live = department in treated and wave >= "2025Q4"
            expected = np.array(distributions[department]["with" if live else "without"]) @ scores
            assert abs(mean - expected) < 0.05 + 1 / respondents, (wave, department)


def test_separations_follow_each_departments_expected_count(landing: Path) -> None:
    roster = pl.read_csv(landing / "hr_roster" / "roster.csv", try_parse_dates=True)
    exits = (
        roster.filter(pl.col("exit_date").is_not_null())
        .group_by("department", pl.col("exit_date").dt.strftime("%Y-%m").alias("month"))
        .len()
    )
    mean_stay = 365.25 / ANNUAL_TURNOVER
    for department, teams in HEADCOUNT.items():
        per_month = dict(
            exits.filter(pl.col("department") == department).select("month", "len").iter_rows()
        )
        counts = np.array([per_month.get(m.label, 0) for m in months()])
        days = np.array([m.days for m in months()])
        expected = sum(teams.values()) * -np.expm1(-days / mean_stay)
        assert np.abs(np.cumsum(counts - expected)).max() < 1, department
