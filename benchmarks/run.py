"""Benchmark the warehouse by scale: `python -m benchmarks.run --scales 1 10 100`.

For each scale: (a) the full pipeline, (f) the same command again with nothing new
landed, (b) a daily incremental run adding one day of deliveries (the `--day` partition),
(c) the quality gate alone, (d) the hand-written DuckDB SQL reference
(benchmarks/reference.sql) — wall time and peak RSS of each, the ratios (a)/(d) and
(b)/(a), and whether (a) and (d) give the same metric numbers; and (e) all operations
tasks of the scale as one landing file, loaded streamed in parts and read whole. Each
target is marked met or missed, a missed one with the profile line of the run behind it.
Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path

from benchmarks.compare import differences
from benchmarks.sections import sections_except
from ingestion.settings import PROJECT_ROOT

GATE = (
    "import duckdb, sys\n"
    "from expectations import relations, validate_relation\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "for relation in relations():\n"
    "    validate_relation(con, relation, run_id='benchmark')\n"
)
ONE_FILE_LOAD = (
    "import sys\nfrom pathlib import Path\nimport duckdb\n"
    "from ingestion.contracts import OPERATIONS_TASKS\nfrom ingestion.loader import load_source\n"
    "from ingestion.settings import Settings, Streaming\n"
    "limit = Settings.from_env().duckdb_memory_limit\n"
    "with duckdb.connect(sys.argv[2], config={'memory_limit': limit}) as con:\n"
    "    load_source(con, OPERATIONS_TASKS, Path(sys.argv[1]), b'benchmark',\n"
    "                streaming=Streaming.above_megabytes(float(sys.argv[3])))\n"
)
NEW_DAY = "2026-11-02"  # the Monday after the demo history ends
REFERENCE = (
    "import sys\nfrom pathlib import Path\nfrom benchmarks.compare import build_reference\n"
    "build_reference(Path(sys.argv[1]), Path(sys.argv[2]))\n"
)


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_rss_mb: float
    steps: tuple[tuple[str, float], ...] = ()  # Dagster steps, slowest first
    printed: str = ""  # what the command printed, when kept


# What would close each target when missed, from the profile (docs/benchmarks.md, "What
# the profile found").
CLOSING = {
    "rerun": "the fingerprint changed between the runs: a landing file, the code or the "
    "configuration (`python -m dagster_project run` says which before it starts)",
    "daily": "a floor of about 35 s whatever the day holds (two dbt starts, Dagster's "
    "events, imports): the unit-month panels built in a first dbt phase so that models "
    "under unchanged panels are carried over like the GX suites, then one dbt process for "
    "the daily and the other models",
    "full": "the loader scanning landing files typed with Polars' lazy readers (the text "
    "path kept for a file that fails the typed scan, so a bad value is still quarantined "
    "naming its column), and a first build's partition days recorded in one write",
    "gate": "GX's column mean loops over every value in Python (its Decimal check): the "
    "flag-share checks of the big raw tables as share-of-rows checks that DuckDB screens",
    "memory": "a lower DuckDB cap for the GX steps (512MB: the tasks suite alone 1,287 MB "
    "instead of 1,586 MB, as fast)",
}


@dataclass(frozen=True)
class Target:
    name: str
    met: bool
    figure: str
    behind: Measure | None = None  # the run whose profile explains a miss
    closing: str = ""  # what would close a miss, from the profile (docs/benchmarks.md)


def measured_run(arguments: list[str], env: dict[str, str], dagster_home: Path) -> Measure:
    """`python -m dagster_project run <arguments>`, measured, with its steps' times."""
    command = [sys.executable, "-m", "dagster_project", "run", *arguments]
    return replace(measured(command, env), steps=step_profile(dagster_home))


def step_profile(dagster_home: Path) -> tuple[tuple[str, float], ...]:
    """Seconds per step of the latest run recorded in `dagster_home`, slowest first."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs(limit=1)
        stats = instance.get_run_step_stats(run.run_id)
    timed = [(s.step_key, s.end_time - s.start_time) for s in stats if s.end_time and s.start_time]
    return tuple(sorted(timed, key=lambda step: -step[1]))


def measured(command: list[str], env: dict[str, str], keep_output: bool = False) -> Measure:
    """Wall time, and the peak RSS of the largest process the command ran."""
    with tempfile.TemporaryFile("w+") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, cwd=PROJECT_ROOT, stdout=output if keep_output else subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        output.seek(0)
        printed = output.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return Measure(seconds, usage.ru_maxrss / 1024, printed=printed)


def bench_scale(scale: float, work: Path) -> dict[str, object]:
    data = work / f"scale-{scale:g}"
    shutil.rmtree(data, ignore_errors=True)  # a full build starts from nothing
    env = {
        **os.environ,
        "AIROI_DATA_DIR": str(data),
        "AIROI_PSEUDONYMISATION_KEY": "benchmark",
        "DAGSTER_HOME": str(data / "dagster_home"),
    }
    (data / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", data / "dagster_home")
    warehouse = data / "warehouse.duckdb"
    print(f"scale {scale:g}: generating demo data", flush=True)
    python = sys.executable
    generate = ["-m", "ingestion.demo_data", "--landing", str(data / "landing")]
    subprocess.run(
        [python, *generate, "--scale", str(scale)],
        env=env, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"scale {scale:g}: (a) full pipeline", flush=True)
    pipeline = measured_run([], env, data / "dagster_home")
    print(f"scale {scale:g}: (f) the same again, nothing new landed", flush=True)
    command = [python, "-m", "dagster_project", "run"]
    rerun = measured(command, env, keep_output=True)
    print(f"scale {scale:g}: (c) quality gate alone", flush=True)
    gate = measured([python, "-c", GATE, str(warehouse)], env)
    print(f"scale {scale:g}: (d) hand-written DuckDB SQL", flush=True)
    reference_db = data / "reference.duckdb"
    reference_db.unlink(missing_ok=True)
    reference = measured([python, "-c", REFERENCE, str(data / "landing"), str(reference_db)], env)
    compared, different, missing = differences(reference_db, warehouse)
    volumes = raw_volumes(warehouse)
    print(f"scale {scale:g}: (e) one large file, streamed and read whole", flush=True)
    one_file = bench_one_file(data, env)
    print(f"scale {scale:g}: (b) daily incremental run, {NEW_DAY}", flush=True)
    subprocess.run(
        [python, *generate, "--add-day", NEW_DAY],
        env=env, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    daily = measured_run(["--day", NEW_DAY], env, data / "dagster_home")
    return {
        "scale": scale, "pipeline": pipeline, "rerun": rerun, "daily": daily, "gate": gate,
        "reference": reference, "same_numbers": different == 0 and missing == 0,
        "compared": compared, "volumes": volumes, "one_file": one_file,
    }  # fmt: skip


def bench_one_file(data: Path, env: dict[str, str]) -> dict[str, object]:
    """Every tasks file of the scale concatenated into one, loaded streamed in parts (the
    threshold set to 0) and read whole (threshold above its size), each into a new file."""
    landing = data / "one-file"
    big = landing / "operations" / "tasks_all.jsonl"
    big.parent.mkdir(parents=True, exist_ok=True)
    with big.open("wb") as out:
        for part in sorted((data / "landing" / "operations").glob("tasks_*.jsonl")):
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out)
    measures = {}
    for mode, above_mb in (("streamed", 0), ("whole", 1 << 30)):
        target = data / f"one-file-{mode}.duckdb"
        target.unlink(missing_ok=True)
        command = [sys.executable, "-c", ONE_FILE_LOAD, str(landing), str(target), str(above_mb)]
        measures[mode] = measured(command, env)
        target.unlink()
    size_mb = big.stat().st_size / 2**20
    shutil.rmtree(landing)
    return {"size_mb": size_mb, **measures}


def one_file_report(results: list[dict[str, object]]) -> str:
    lines = [
        "| scale | file | streamed in parts | peak RSS | read whole | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        one = r["one_file"]
        streamed, whole = one["streamed"], one["whole"]
        lines.append(
            f"| {r['scale']:g}x | {one['size_mb']:,.0f} MB, "
            f"{r['volumes']['operations_tasks']:,} rows | {streamed.seconds:.0f} s | "
            f"{streamed.peak_rss_mb:,.0f} MB | {whole.seconds:.0f} s | "
            f"{whole.peak_rss_mb:,.0f} MB |"
        )
    return "\n".join(lines)


def raw_volumes(warehouse: Path) -> dict[str, int]:
    import duckdb

    tables = ("operations_tasks", "qc_inspections", "sales_orders")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"select count(*) from raw.{t}").fetchall()[0][0] for t in tables}


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    packages = ", ".join(
        f"{name} {version(name)}"
        for name in ("dagster", "dbt-core", "dbt-duckdb", "duckdb", "polars", "great-expectations")
    )
    memory = f"{memory_kb / 1024**2:.0f} GiB"
    load = os.getloadavg()[1]  # other work on the machine slows every figure alike
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory}; load average {load:.1f} over the last 5 "
        f"minutes at the end; Python {platform.python_version()}; {packages}"
    )


def report(results: list[dict[str, object]]) -> str:
    columns = [
        "scale", "(a) pipeline", "peak RSS", "(f) nothing new", "(c) gate", "gate / pipeline",
        "(d) reference SQL", "peak RSS", "(a)/(d)", "(b) daily run", "peak RSS", "(b)/(a)",
        "same numbers",
    ]  # fmt: skip
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in results:
        a, b, c, d, f = r["pipeline"], r["daily"], r["gate"], r["reference"], r["rerun"]
        said = "says so" if says_nothing_new(f) else "DOES NOT say so"
        lines.append(
            f"| {r['scale']:g}x | {a.seconds:.0f} s | {a.peak_rss_mb:.0f} MB | "
            f"{f.seconds:.1f} s, {said} | {c.seconds:.0f} s | "
            f"{c.seconds / a.seconds:.0%} | {d.seconds:.1f} s | {d.peak_rss_mb:.0f} MB | "
            f"{a.seconds / d.seconds:.1f} | {b.seconds:.0f} s | {b.peak_rss_mb:.0f} MB | "
            f"{b.seconds / a.seconds:.0%} | "
            f"{'yes' if r['same_numbers'] else 'NO'} ({r['compared']:,} cells) |"
        )
    return "\n".join(lines)


def says_nothing_new(measure: Measure) -> bool:
    return "nothing new" in measure.printed.lower()


def gate_seconds(measure: Measure) -> float:
    """Time the Great Expectations checks and the Data Docs took inside a pipeline run."""
    return sum(
        seconds
        for step, seconds in measure.steps
        if step.endswith("_great_expectations") or step == "quality__data_docs"
    )


def targets(results: list[dict[str, object]]) -> str:
    """The targets of issue #18: the rerun with nothing new at every scale, the others at
    the largest scale measured; a missed one with the profile line of the run behind it."""
    r = max(results, key=lambda result: result["scale"])
    a, b, c, d = r["pipeline"], r["daily"], r["gate"], r["reference"]
    in_pipeline = gate_seconds(a)
    judged = [
        Target(
            f"rerun with nothing new landed, {q['scale']:g}x: at most 10 s and says so",
            q["rerun"].seconds <= 10 and says_nothing_new(q["rerun"]),
            f"{q['rerun'].seconds:.1f} s, "
            f'{"says" if says_nothing_new(q["rerun"]) else "does NOT say"} "nothing new"',
            closing=CLOSING["rerun"],
        )
        for q in results
    ]
    judged += [
        Target("daily run at most 10% of the full build", b.seconds <= 0.1 * a.seconds,
               f"{b.seconds:.0f} s vs {a.seconds:.0f} s: {b.seconds / a.seconds:.0%}", b,
               CLOSING["daily"]),
        Target("full build at most 4x the hand-written reference", a.seconds <= 4 * d.seconds,
               f"{a.seconds:.0f} s vs {d.seconds:.1f} s: {a.seconds / d.seconds:.1f}x", a,
               CLOSING["full"]),
        Target("quality gate at most 20% of the full build", c.seconds <= 0.2 * a.seconds,
               f"(c), every suite over whole tables: {c.seconds:.0f} s, "
               f"{c.seconds / a.seconds:.0%}; the checks and Data Docs inside (a): "
               f"{in_pipeline:.0f} s, {in_pipeline / a.seconds:.0%}", a, CLOSING["gate"]),
        Target("peak memory of the full build at most 2 GB", a.peak_rss_mb <= 2048,
               f"{a.peak_rss_mb:,.0f} MB", a, CLOSING["memory"]),
    ]  # fmt: skip
    volumes = ", ".join(f"{table} {rows:,}" for table, rows in r["volumes"].items())
    lines = [f"At {r['scale']:g}x ({volumes} rows) unless said:", ""]
    for target in judged:
        lines.append(f"- {'met' if target.met else 'MISSED'}: {target.name} ({target.figure})")
        if not target.met and target.behind is not None:
            lines.append(f"  - profile: {profile_line(target.behind)}")
        if not target.met and target.closing:
            lines.append(f"  - what would close it: {target.closing}")
    return "\n".join(lines)


def profile(results: list[dict[str, object]]) -> str:
    """Where the time goes: the slowest Dagster steps of (a) and (b) at each scale; the
    rest of the wall time is process start-up, definitions loading and step overhead."""
    lines = []
    for r in results:
        for label, key in (("(a) full pipeline", "pipeline"), ("(b) daily run", "daily")):
            lines.append(f"- {r['scale']:g}x {label}, {profile_line(r[key])}")
    return "\n".join(lines)


def profile_line(measure: Measure, top: int = 8) -> str:
    in_steps = sum(seconds for _, seconds in measure.steps)
    slowest = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in measure.steps[:top])
    return (
        f"{measure.seconds:.0f} s: {slowest}; all {len(measure.steps)} steps {in_steps:.0f} s, "
        f"outside steps {measure.seconds - in_steps:.0f} s."
    )


OWNED_HEADINGS = ("## Targets", "## One large file", "## Where the time goes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "data" / "benchmarks")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    results = [bench_scale(scale, args.work) for scale in args.scales]
    table = report(results)
    steps = profile(results)
    verdicts = targets(results)
    one_file = one_file_report(results)
    print(table, verdicts, one_file, steps, sep="\n\n")
    # The profile findings, the coverage benchmark's sections and any other written by hand
    # are not this run's to drop.
    kept = sections_except(args.out, OWNED_HEADINGS)
    args.out.write_text(
        "# Benchmarks\n\n"
        "Written by `python -m benchmarks.run`; figures from one run on the machine below.\n"
        "(a) the whole Dagster job from landing files to the serving file and dashboard (GX\n"
        "gate and Data Docs included), a full build; (f) the same command right after, with\n"
        "nothing new landed; (b) the same job for one new day's\n"
        f"partition ({NEW_DAY}) after (a), with that day's four delivery files; (c) every\n"
        "Great Expectations suite alone, over whole tables; (d) `benchmarks/reference.sql`,\n"
        "hand-written DuckDB SQL from the same landing files to the same unit-month metric\n"
        'panel; "same numbers" compares (a) and (d) cell by cell.\n\n'
        f"Machine: {machine()}.\n\n{table}\n\n## Targets\n\n{verdicts}\n\n"
        "## One large file\n\n"
        "(e) every operations-tasks file of the scale concatenated into one JSON Lines file\n"
        "and loaded on its own into a new warehouse: streamed in 64 MB parts (what\n"
        "`AIROI_STREAM_FILES_ABOVE_MB` does to files above it) and read whole.\n\n"
        f"{one_file}\n\n"
        f"## Where the time goes\n\n{steps}\n" + "".join(f"\n{section}" for section in kept)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
