"""Errors that tell the person holding the file what is wrong and how to fix it."""

from __future__ import annotations

from pathlib import Path


class IngestionError(Exception):
    """A landing file cannot be loaded; the message names file, row and column."""

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = str(path)
        self.row = row
        self.column = column
        self.problem = problem
        self.fix = fix
        where = [self.path]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        message = f"{', '.join(where)}: {problem}"
        if fix:
            message += f". Fix: {fix}"
        super().__init__(message)


class SourceLoadError(Exception):
    """One or more files of a source were rejected; the rest of the source was loaded."""

    def __init__(self, source: str, errors: list[IngestionError]) -> None:
        self.source = source
        self.errors = errors
        lines = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"{len(errors)} file(s) of source '{source}' rejected:\n{lines}")
