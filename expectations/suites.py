"""The suite files: one GX ExpectationSuite as JSON per validated relation.

`suites/<schema>__<table>.json` validates `<schema>.<table>`. The JSON is the analyst's
to edit; nothing here imports Great Expectations, so listing suites is instant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SUITES_DIR = Path(__file__).parent / "suites"
SEVERITIES = ("error", "warn")


def suite_names() -> list[str]:
    """Every suite, e.g. `raw__operations_tasks`, sorted."""
    return sorted(path.stem for path in SUITES_DIR.glob("*.json"))


def relations() -> list[str]:
    """Every relation a suite validates, e.g. `raw.operations_tasks`."""
    return [relation_of(name) for name in suite_names()]


def suite_name(relation: str) -> str:
    schema, _, table = relation.partition(".")
    if not schema or not table:
        raise ValueError(f"expected a relation as schema.table, got {relation!r}")
    return f"{schema}__{table}"


def relation_of(name: str) -> str:
    schema, _, table = name.partition("__")
    return f"{schema}.{table}"


def suite_for(relation: str) -> dict[str, Any]:
    """The suite of `relation` as parsed JSON (parameters unresolved)."""
    path = SUITES_DIR / f"{suite_name(relation)}.json"
    if not path.is_file():
        known = ", ".join(relations())
        raise KeyError(f"no expectation suite for {relation!r}; suites exist for: {known}")
    suite = json.loads(path.read_text(encoding="utf-8"))
    _check(suite, path)
    return suite


def _check(suite: dict[str, Any], path: Path) -> None:
    # GX accepts any meta; the runner needs severity on every expectation, so a typo in a
    # hand-edited file fails loudly here instead of silently counting as "error".
    if suite.get("name") != path.stem:
        raise ValueError(f"{path.name}: 'name' must be {path.stem!r}, found {suite.get('name')!r}")
    for number, expectation in enumerate(suite.get("expectations", []), start=1):
        severity = expectation.get("meta", {}).get("severity")
        if severity not in SEVERITIES:
            raise ValueError(
                f"{path.name}: expectation {number} ({expectation.get('type')}) needs "
                f"meta.severity 'error' or 'warn', found {severity!r}"
            )
