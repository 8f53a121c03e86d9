"""A subtraction attack on the HR figures of a serving file, as someone holding only that
file would run it.

Every HR figure served for a department and month is the sum of some *atoms*: the people
of one team in one AI-usage cohort (survey), or one team's roster (turnover). The
attacker knows which atoms each figure adds up — the metric definitions say so — and
reads every figure the file shows, whatever its flag says: department and team rows of
`metrics.employee_satisfaction` (numerators, denominators, and numerators rebuilt from
value x denominator), and the cells of `metrics.employee_satisfaction_breakdown` (their
respondents, and their totals rebuilt from mean x respondents). Any sum or difference of
figures of one kind is then known too: every pair, every total minus the parts shown, and
any longer chain — all solved at once as a linear system per department, month and kind
of figure.

The targets are the hidden groups: every union of hidden cells of one breakdown (teams or
AI-usage cohorts), and a hidden department. A group of fewer than 5 people must give
away neither its size nor any of its answers; neither may a group whose size stays
unknown. A union of hidden cells holding at least 5 people may be known: that is what
complementary suppression allows.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np

MIN_GROUP = 5
AI_USERS = ("light", "heavy")
NOT_ANSWERED = "not answered"
# The cohort of a department and month whose survey did not ask about AI-tool usage.
ANY_USAGE = "*"

PEOPLE = "people"
# The population each kind of figure is about: its size decides whether it is small.
POPULATION = {
    PEOPLE: PEOPLE,
    "job_satisfaction_total": PEOPLE,
    "job_satisfaction_top2": PEOPLE,
    "enps_net": "enps_respondents",
    "enps_respondents": "enps_respondents",
    "productivity_total": "productivity_respondents",
    "productivity_respondents": "productivity_respondents",
    "separations": "headcount",
    "headcount": "headcount",
}
# Per metric of employee_satisfaction: what its numerator and denominator count, and the
# factor from the served numerator to that count.
METRIC_PARTS = {
    "job_satisfaction_mean": ("job_satisfaction_total", 1.0, PEOPLE),
    "job_satisfaction_top2": ("job_satisfaction_top2", 1.0, PEOPLE),
    "enps": ("enps_net", 0.01, "enps_respondents"),
    "self_rated_productivity": ("productivity_total", 1.0, "productivity_respondents"),
    "ai_adoption": (PEOPLE, 1.0, PEOPLE),
    "turnover_rate": ("separations", 1.0, "headcount"),
}
TURNOVER = "turnover_rate"
# Per breakdown column: the kind of total it times respondents gives. The breakdown does
# not serve who skipped a question: the attacker takes everyone in a cell to have
# answered it, as everyone does in the demo.
BREAKDOWN_MEANS = {
    "job_satisfaction_mean": ("job_satisfaction_total", 1.0),
    "job_satisfaction_top2_share": ("job_satisfaction_top2", 1.0),
    "enps": ("enps_net", 0.01),
    "self_rated_productivity_mean": ("productivity_total", 1.0),
}
BREAKDOWN_ANSWERED = {
    "enps": "enps_respondents",
    "self_rated_productivity_mean": "productivity_respondents",
}

Atom = tuple[str, str]


@dataclass(frozen=True)
class Figure:
    kind: str
    atoms: frozenset[Atom]
    value: float


@dataclass(frozen=True)
class Finding:
    department: str
    month_start: date
    group: str
    kind: str
    value: float
    population: float | None

    def __str__(self) -> str:
        people = "unknown" if self.population is None else f"{self.population:g}"
        return (
            f"{self.department} {self.month_start}: {self.group} — {self.kind} = "
            f"{self.value:g} (of {people} people)"
        )


@dataclass
class Ledger:
    """What the file shows about one department and month, on one kind of atoms."""

    department: str
    month_start: date
    teams: set[str] = field(default_factory=set)
    cohorts: set[str] = field(default_factory=set)
    figures: list[Figure] = field(default_factory=list)
    hidden_teams: set[str] = field(default_factory=set)
    hidden_cohorts: set[str] = field(default_factory=set)
    department_hidden: bool = False

    def atoms(self, teams: Iterable[str] | None = None, cohorts: Iterable[str] | None = None):
        teams = self.teams if teams is None else set(teams)
        cohorts = self.cohorts if cohorts is None else set(cohorts)
        return frozenset(itertools.product(teams, cohorts))

    def add(self, kind: str, value: float | None, atoms: frozenset[Atom]) -> None:
        if value is not None and atoms:
            self.figures.append(Figure(kind, atoms, float(value)))

    def hidden_groups(self) -> Iterable[tuple[str, frozenset[Atom]]]:
        for teams in unions(self.hidden_teams):
            yield f"teams {'+'.join(teams)}", self.atoms(teams=teams)
        for cohorts in unions(self.hidden_cohorts):
            yield f"AI usage {'+'.join(cohorts)}", self.atoms(cohorts=cohorts)
        if self.department_hidden:
            yield "the department", self.atoms()


def unions(cells: set[str]) -> Iterable[tuple[str, ...]]:
    ordered = sorted(cells)
    for size in range(1, len(ordered) + 1):
        yield from itertools.combinations(ordered, size)


def derive(figures: list[Figure], target: frozenset[Atom]) -> float | None:
    """The target's value if some sum or difference of the figures adds up exactly to it."""
    if not figures or not target:
        return None
    atoms = sorted({atom for figure in figures for atom in figure.atoms} | target)
    sums = np.array([[atom in figure.atoms for atom in atoms] for figure in figures], float)
    wanted = np.array([atom in target for atom in atoms], float)
    weights, *_ = np.linalg.lstsq(sums.T, wanted, rcond=None)
    if not np.allclose(sums.T @ weights, wanted, atol=1e-9):
        return None
    return round(float(weights @ np.array([figure.value for figure in figures])), 6)


def findings(ledger: Ledger) -> list[Finding]:
    by_kind: dict[str, list[Figure]] = defaultdict(list)
    for figure in ledger.figures:
        by_kind[figure.kind].append(figure)
    answered = ledger.atoms(cohorts=ledger.cohorts - {NOT_ANSWERED})
    users = ledger.atoms(cohorts=ledger.cohorts & set(AI_USERS))
    found = []
    for name, group in ledger.hidden_groups():
        targets = [(kind, kind, group, people, group) for kind, people in POPULATION.items()]
        targets += [
            ("AI users", PEOPLE, group & users, PEOPLE, group & answered),
            ("answering on AI use", PEOPLE, group & answered, PEOPLE, group & answered),
        ]
        for label, kind, atoms, population_kind, population_atoms in targets:
            value = derive(by_kind[kind], atoms)
            if value is None:
                continue
            population = derive(by_kind[population_kind], population_atoms)
            if population is None or 0 < population < MIN_GROUP:
                found.append(
                    Finding(ledger.department, ledger.month_start, name, label, value, population)
                )
    return found


def attack(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """Every hidden group of the serving file that the attack gives away."""
    return [finding for ledger in ledgers(con) for finding in findings(ledger)]


def ledgers(con: duckdb.DuckDBPyConnection) -> list[Ledger]:
    """One ledger per department and survey month (survey figures, on team x cohort
    atoms) and one per department and month (turnover, on team atoms)."""
    departments = team_departments(con)
    breakdown = rows(con, "select * from metrics.employee_satisfaction_breakdown")
    metric_rows = rows(
        con,
        "select distinct unit_type, unit_id, month_start, metric_name, is_suppressed, "
        "metric_value, numerator, denominator, baseline_value, change_vs_baseline "
        "from metrics.employee_satisfaction",
    )
    books: dict[tuple[str, str, date], Ledger] = {}

    def ledger(kind: str, department: str, month: date) -> Ledger:
        return books.setdefault((kind, department, month), Ledger(department, month))

    def metric_ledger(row: dict) -> Ledger:
        kind = "roster" if row["metric_name"] == TURNOVER else "survey"
        if row["unit_type"] == "department":
            return ledger(kind, row["unit_id"], row["month_start"])
        assert row["unit_id"] in departments, f"team {row['unit_id']}: department unknown"
        book = ledger(kind, departments[row["unit_id"]], row["month_start"])
        book.teams.add(row["unit_id"])
        return book

    for cell in breakdown:
        book = ledger("survey", cell["department"], cell["month_start"])
        (book.teams if cell["breakdown"] == "team" else book.cohorts).add(cell["cell"])
    for row in metric_rows:
        metric_ledger(row)
    for (kind, department, _), book in books.items():
        book.teams = book.teams or {department}
        book.cohorts = book.cohorts if kind == "survey" and book.cohorts else {ANY_USAGE}

    for cell in breakdown:
        add_breakdown_cell(ledger("survey", cell["department"], cell["month_start"]), cell)
    for row in metric_rows:
        add_metric_row(metric_ledger(row), row)
    return list(books.values())


def add_breakdown_cell(book: Ledger, cell: dict) -> None:
    if cell["breakdown"] == "team":
        atoms = book.atoms(teams=[cell["cell"]])
        if cell["is_suppressed"]:
            book.hidden_teams.add(cell["cell"])
    else:
        atoms = book.atoms(cohorts=[cell["cell"]])
        if cell["is_suppressed"]:
            book.hidden_cohorts.add(cell["cell"])
    respondents = cell["respondents"]
    book.add(PEOPLE, respondents, atoms)
    if respondents is None:
        return
    for column, (kind, factor) in BREAKDOWN_MEANS.items():
        mean = served_mean(cell, column)
        if mean is not None:
            book.add(kind, mean * respondents * factor, atoms)
            if column in BREAKDOWN_ANSWERED:
                book.add(BREAKDOWN_ANSWERED[column], respondents, atoms)


def served_mean(cell: dict, column: str) -> float | None:
    """The mean, or its 0-100 rendering taken back to the named scale."""
    if cell[column] is not None:
        return cell[column]
    on_0_100 = cell.get(f"{column}_0_100")
    scale = cell.get(column.removesuffix("_mean") + "_scale")
    if on_0_100 is None or scale is None:
        return None
    low, high = (float(end) for end in scale.split("-"))
    return low + (high - low) * on_0_100 / 100


def add_metric_row(book: Ledger, row: dict) -> None:
    numerator_kind, factor, denominator_kind = METRIC_PARTS[row["metric_name"]]
    teams = [row["unit_id"]] if row["unit_type"] == "team" else None
    numerator_atoms = denominator_atoms = book.atoms(teams=teams)
    if row["metric_name"] == "ai_adoption":
        assert ANY_USAGE not in book.cohorts, f"{book.department} {book.month_start}: no cohorts"
        numerator_atoms = book.atoms(teams=teams, cohorts=book.cohorts & set(AI_USERS))
        denominator_atoms = book.atoms(teams=teams, cohorts=book.cohorts - {NOT_ANSWERED})
    if row["is_suppressed"]:
        if teams:
            book.hidden_teams.add(row["unit_id"])
        else:
            book.department_hidden = True
    value = row["metric_value"]
    baseline, change = row["baseline_value"], row["change_vs_baseline"]
    if value is None and baseline is not None and change is not None:
        value = baseline + change
    numerator, denominator = row["numerator"], row["denominator"]
    if numerator is None and value is not None and denominator is not None:
        numerator = value * denominator
    book.add(numerator_kind, None if numerator is None else numerator * factor, numerator_atoms)
    book.add(denominator_kind, denominator, denominator_atoms)


def team_departments(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each team's department, from the team breakdown (and the organisation's units)."""
    pairs = con.execute(
        "select distinct cell, department from metrics.employee_satisfaction_breakdown "
        "where breakdown = 'team' union select unit_id, parent_id from overview.units "
        "where unit_type = 'team' and parent_type = 'department'"
    ).fetchall()
    return dict(pairs)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
