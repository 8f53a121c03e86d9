"""Which entries of a landing folder may be read: regular files that stay inside it.

A symbolic link in a landing folder can point at any file the pipeline may read (its
pseudonymisation key, say), whose text would then be quoted in messages and tables that
get published. Such a link is rejected without being read; links that stay inside the
landing folder load like the files they point at. Directories and other non-files that
match a file pattern are rejected by name rather than skipped, so that nothing delivered
disappears without a word.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ingestion.errors import IngestionError

# The content hash recorded in the ledger for an entry that was not read: hashing a
# link's target would read it, and a hash of a key is a fingerprint of the key.
NOT_READ = "not read"


def matching_entries(folder: Path, patterns: Iterable[str]) -> list[Path]:
    """Every entry of `folder` whose name matches one of `patterns`, sorted: files, links
    and directories alike (`check_readable` says which may be read)."""
    return sorted({path for pattern in patterns for path in folder.glob(pattern)})


def check_readable(path: Path, landing_dir: Path) -> None:
    """Raise an IngestionError, without reading `path`, unless it is a regular file inside
    `landing_dir` (once links are followed)."""
    resolved = _resolved(path)
    if resolved is not None and not resolved.is_relative_to(landing_dir.resolve()):
        raise IngestionError(
            path,
            "a link pointing outside the landing folder; not read",
            fix="copy the file into the landing folder instead of linking to it",
        )
    if path.is_dir():
        raise IngestionError(
            path,
            "a directory, not a file; not read",
            fix="move the files it holds into the landing folder, or rename it",
        )
    if not path.is_file():
        raise IngestionError(
            path,
            "not a regular file (a broken link, a loop of links, a pipe or a device); not read",
            fix="replace it with the file itself",
        )


def _resolved(path: Path) -> Path | None:
    """`path` with every link followed, or None for a loop of links."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a loop
        return None
