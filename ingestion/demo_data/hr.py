"""HR data: the roster and the quarterly pulse survey, exported in the formats of the day.

Job satisfaction follows a categorical distribution per department; in departments using
the HR copilot, answers after go-live are moved one point up with a probability chosen so
that the expected value rises by exactly JOB_SATISFACTION_SHIFT. The other items are drawn
from the answer before that move, so they carry no effect.

Answers are allocated per department and wave rather than drawn one by one (see
sampling.py): the answer counts are the distribution times the respondents, rounded so
that their mean is the department's expected mean plus small noise, then shuffled over
the respondents; with the copilot, round(JOB_SATISFACTION_SHIFT * respondents) answers
below 5 are moved up. A department of 17 respondents would otherwise move ±0.25 points
from wave to wave. There is no trend: satisfaction only moves with the copilot.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .company import DEPARTMENTS, employment_days
from .effects import JOB_SATISFACTION_SHIFT, initiative
from .sampling import categorical, largest_remainder, source_rng
from .survey_text import FRENCH_HEADERS, FRENCH_USAGE, GENERAL_COMMENTS, PAIN_COMMENTS
from .timeline import Month, months, to_dates
from .writers import tally, write_csv, write_xlsx

RESPONSE_RATE = 0.70
COMMENT_RATE = 0.40
PAIN_SHARE = 0.65  # of comments, about the department's own pain points
MISSING_DURATION_RATE = 0.02
SCORES = np.arange(1, 6)  # job satisfaction answers
BASE_SATISFACTION = np.array([0.05, 0.12, 0.30, 0.38, 0.15])  # answers 1..5
DEPARTMENT_TILT = {
    "Manufacturing": -0.10, "Customer Support": -0.20, "Sales": 0.05, "Finance": -0.10,
    "Human Resources": 0.10, "R&D": 0.15, "Procurement": -0.05, "IT": 0.0,
}  # fmt: skip
SATISFACTION_NOISE = 0.01  # points, on a department-wave's mean answer
USAGE = ("none", "light", "heavy")
USAGE_PROBS = np.array([[0.75, 0.20, 0.05], [0.25, 0.45, 0.30]])  # without / with the copilot


@dataclass(frozen=True)
class WaveFormat:
    french: bool
    encoding: str
    xlsx: bool = False


ENGLISH = WaveFormat(french=False, encoding="utf-8")
FRENCH_BOM = WaveFormat(french=True, encoding="utf-8-sig")
FRENCH_LATIN1 = WaveFormat(french=True, encoding="latin-1")
WORKBOOK = WaveFormat(french=False, encoding="utf-8", xlsx=True)
# The company switched survey tools back and forth, as real ones do.
WAVE_FORMATS = {
    "2024Q2": ENGLISH, "2024Q3": ENGLISH, "2024Q4": FRENCH_BOM, "2025Q1": FRENCH_LATIN1,
    "2025Q2": ENGLISH, "2025Q3": WORKBOOK, "2025Q4": FRENCH_BOM, "2026Q1": FRENCH_LATIN1,
    "2026Q2": ENGLISH, "2026Q3": ENGLISH,
}  # fmt: skip


def satisfaction_distributions() -> dict[str, dict[str, list[float]]]:
    """Per department: answer probabilities without and with the copilot, and the move-up
    probability that links them (E[with] - E[without] = JOB_SATISFACTION_SHIFT exactly)."""
    distributions = {}
    for department, tilt in DEPARTMENT_TILT.items():
        base = BASE_SATISFACTION * np.exp(tilt * (SCORES - 3))
        base = base / base.sum()
        move_up = JOB_SATISFACTION_SHIFT / (1 - base[-1])
        moved = np.concatenate([[0.0], base[:-2], [base[-2] + base[-1]]])
        treated = (1 - move_up) * base + move_up * moved
        distributions[department] = {
            "without": base.tolist(),
            "with": treated.tolist(),
            "move_up_probability": float(move_up),
            "expected_difference": float(treated @ SCORES - base @ SCORES),
        }
    return distributions


def write_roster(landing: Path, roster: pl.DataFrame) -> dict[str, int]:
    folder = landing / "hr_roster"
    folder.mkdir(parents=True, exist_ok=True)
    return tally([write_csv(roster, folder / "roster.csv")])


def _wave_label(month: Month) -> str:
    return f"{month.year}Q{(month.month - 1) // 3 + 1}"


def _respondents(rng: np.random.Generator, roster: pl.DataFrame, month: Month) -> pl.DataFrame:
    """About 70% of the people employed on the month's first day, each answering on a day
    of that month when still employed."""
    first, last = month.first_day, month.first_day + month.days - 1
    days = employment_days(roster).filter(pl.col("hire") <= first, pl.col("exit") >= first)
    answering = days.filter(pl.Series(rng.random(days.height) < RESPONSE_RATE))
    until = np.minimum(answering["exit"].to_numpy(), last)
    day = first + (rng.random(answering.height) * (until - first + 1)).astype(np.int64)
    return answering.select("employee_id", "department", "team").with_columns(day=day)


def _comments(rng: np.random.Generator, departments: np.ndarray, french: bool) -> pl.Series:
    language = int(french)
    comments = np.full(departments.size, "", dtype="<U200")
    has_comment = rng.random(departments.size) < COMMENT_RATE
    about_pain = rng.random(departments.size) < PAIN_SHARE
    pick = rng.random(departments.size)
    for department, pains in PAIN_COMMENTS.items():
        for mask, texts in (
            (has_comment & about_pain & (departments == department), pains),
            (has_comment & ~about_pain & (departments == department), GENERAL_COMMENTS),
        ):
            choices = np.array([text[language] for text in texts])
            comments[mask] = choices[(pick[mask] * len(texts)).astype(np.int64)]
    return pl.Series("comment", comments).set(pl.Series(~has_comment), None)


def _job_satisfaction(
    rng: np.random.Generator, row: np.ndarray, copilot: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The answer without the copilot, and whether the copilot moved it one point up."""
    distributions = satisfaction_distributions()
    answer = np.zeros(row.size, dtype=np.int64)
    moved = np.zeros(row.size, dtype=bool)
    cell = 2 * row + copilot
    for key in np.unique(cell):
        at = np.flatnonzero(cell == key)
        base = np.array(distributions[DEPARTMENTS[key // 2]]["without"])
        mean = base @ SCORES + rng.normal(0.0, SATISFACTION_NOISE)
        answer[at] = rng.permutation(np.repeat(SCORES, likert_counts(at.size, base, mean)))
        if key % 2:
            can_move = at[answer[at] < SCORES[-1]]
            up = min(round(JOB_SATISFACTION_SHIFT * at.size), can_move.size)
            moved[rng.choice(can_move, size=up, replace=False)] = True
    return answer, moved


def likert_counts(
    n: int, probs: np.ndarray, mean: float, scores: np.ndarray = SCORES
) -> np.ndarray:
    """Counts of n people answering `scores`, close to n * probs, whose mean is `mean`
    within 0.5 / n.

    Largest-remainder rounding first, then single answers moved one point at a time,
    each time from the category most over its expected count.
    """
    counts = largest_remainder(n, probs)
    expected = n * probs
    total = int(np.clip(round(n * mean), n * scores[0], n * scores[-1]))
    while (gap := total - int(counts @ scores)) != 0:
        step = 1 if gap > 0 else -1
        source = np.arange(scores.size)
        source = source[(counts > 0) & (source + step >= 0) & (source + step < scores.size)]
        excess = (counts - expected)[source] - (counts - expected)[source + step]
        k = source[np.argmax(excess)]
        counts[k] -= 1
        counts[k + step] += 1
    return counts


def _answers(
    rng: np.random.Generator, month: Month, people: pl.DataFrame, french: bool
) -> pl.DataFrame:
    department = people["department"].to_numpy()
    index = {name: i for i, name in enumerate(DEPARTMENTS)}
    row = people["department"].replace_strict(index, return_dtype=pl.Int64).to_numpy()
    day = people["day"].to_numpy()
    copilot = initiative("hr-copilot").go_lives(DEPARTMENTS)[row] <= to_dates(day)
    answer, moved = _job_satisfaction(rng, row, copilot)
    productivity = np.clip(answer + rng.choice([-1, 0, 0, 1], row.size), 1, 5)
    enps = np.clip(np.rint(2 * answer - 1 + rng.normal(0, 1.5, row.size)), 0, 10).astype(np.int64)
    minutes = np.round(rng.lognormal(np.log(6.0), 0.4, row.size), 1)
    usage = categorical(rng, USAGE_PROBS, copilot.astype(np.int64))
    return people.select(
        pl.lit(_wave_label(month)).alias("wave"),
        pl.Series("response_date", to_dates(day)),
        "employee_id",
        "department",
        "team",
        pl.Series("job_satisfaction", answer + moved),
        pl.Series("self_rated_productivity", productivity),
        pl.Series("enps_score", enps),
        pl.Series("ai_tool_usage", np.array(USAGE)[usage]),
        pl.Series("completion_minutes", minutes).set(
            pl.Series(rng.random(row.size) < MISSING_DURATION_RATE), None
        ),
        _comments(rng, department, french),
    ).sort("response_date", "employee_id")


def _write_wave(answers: pl.DataFrame, folder: Path, wave: str) -> int:
    form = WAVE_FORMATS[wave]
    if form.xlsx:
        return write_xlsx(answers, folder / f"survey_{wave}.xlsx")
    path = folder / f"survey_{wave}.csv"
    if not form.french:
        return write_csv(answers, path, encoding=form.encoding)
    french = answers.with_columns(pl.col("ai_tool_usage").replace(FRENCH_USAGE)).rename(
        FRENCH_HEADERS
    )
    return write_csv(french, path, separator=";", encoding=form.encoding, decimal_comma=True)


def write_surveys(landing: Path, roster: pl.DataFrame, seed: int) -> dict[str, int]:
    folder = landing / "hr_surveys"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for month in months():
        wave = _wave_label(month)
        if month.month % 3:
            continue  # a wave is fielded in its quarter's last month
        rng = source_rng(seed, "hr_surveys", wave)
        people = _respondents(rng, roster, month)
        answers = _answers(rng, month, people, WAVE_FORMATS[wave].french)
        rows.append(_write_wave(answers, folder, wave))
    return tally(rows)
