"""Write the dashboard of the latest publish: one HTML file per publish, and index.html."""

from __future__ import annotations

import os
import re
from pathlib import Path

from dashboard import page
from dashboard.data import load


def build_dashboard(serving_path: Path, output_dir: Path) -> Path:
    """Render the serving file's publish into `output_dir/roi-dashboard-<run id>.html`,
    copy it to `output_dir/index.html`, and return the first path."""
    snapshot = load(Path(serving_path))
    html = page.render(snapshot)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    # The run id comes from the file: keep only characters safe in a file name.
    run_id = re.sub(r"[^A-Za-z0-9_.-]", "_", snapshot.run_id)
    target = output_dir / f"roi-dashboard-{run_id}.html"
    _write_atomically(target, html)
    _write_atomically(output_dir / "index.html", html)
    return target


def _write_atomically(path: Path, text: str) -> None:
    """Readers (a browser, a file share) never see half a page."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
