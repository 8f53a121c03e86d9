"""`python -m dashboard <serving_path> <output_dir>`: build the dashboard, print its path."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard import build_dashboard


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("serving_path", type=Path, help="the serving DuckDB file")
    parser.add_argument("output_dir", type=Path, help="where the HTML files go")
    args = parser.parse_args()
    print(build_dashboard(args.serving_path, args.output_dir))


if __name__ == "__main__":
    main()
