"""docs/benchmarks.md is written by several benchmarks: each owns a "## " section."""

from __future__ import annotations

from pathlib import Path

COVERAGE_HEADING = "## Coverage of the 95% intervals"  # python -m benchmarks.coverage


def read_section(path: Path, heading: str) -> str:
    """The section under `heading` (heading line included), or "" if there is none."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(f"\n{heading}\n")
    if start < 0:
        return ""
    following = text.find("\n## ", start + len(heading) + 1)
    end = following + 1 if following >= 0 else len(text)
    return text[start + 1 : end].rstrip("\n") + "\n"


def sections_except(path: Path, owned: tuple[str, ...]) -> list[str]:
    """Every "## " section of the file but those under `owned` headings, in file order:
    what other benchmarks and hand-written findings keep there."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    return [read_section(path, heading) for heading in headings if heading not in owned]


def write_section(path: Path, heading: str, body: str) -> None:
    """Replace the section under `heading` with `body` (which starts with it), or append
    it; the rest of the file stays as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    current = read_section(path, heading)
    body = body.rstrip("\n") + "\n"
    if current:
        start = text.find(f"\n{heading}\n") + 1
        text = text[:start] + body + text[start + len(current) :]
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text, encoding="utf-8")
