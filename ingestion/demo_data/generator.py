"""generate(): write every landing file of the demo company, then its ground truth.

The demo's cell-level noise is kept small on purpose so tests can check recovery within
10%; real data is noisier and its intervals say so. Every unit-month aggregate that
carries an injected effect follows its expected value up to ~1% noise (sampling.py).
"""

import json
from pathlib import Path
from typing import Any

from .benchmarks import write_benchmarks
from .company import Staff, build_roster
from .feedback import write_feedback
from .hr import write_roster, write_surveys
from .operations import write_operations
from .products import build_launches, write_launches
from .quality import write_quality
from .registry import write_registry
from .sales import write_sales
from .truth import ground_truth
from .usage import draw_usage, duration_multipliers, write_usage


def generate(
    landing_dir: Path, scale: float = 1.0, seed: int = 42, quality_as_counts: bool = False
) -> dict[str, Any]:
    """Write the landing files and `<landing_dir>/ground_truth.json`; return the ground truth.

    The same seed and scale always give byte-identical files. `scale` multiplies the
    volume of tasks, inspections, orders (and customers) and feedback answers.
    `quality_as_counts` writes the quality inspections as daily counts per production line
    (as a plant's MES exports them) instead of one row per inspected unit: the same
    inspections, so the figures do not move.
    """
    landing = Path(landing_dir)
    landing.mkdir(parents=True, exist_ok=True)
    roster = build_roster(seed)
    usage = draw_usage(roster, seed)
    launches = build_launches(seed)
    quality, claims = write_quality(landing, seed, scale, quality_as_counts)
    written = {
        "hr_roster": write_roster(landing, roster),
        "hr_surveys": write_surveys(landing, roster, seed),
        "operations": write_operations(
            landing, Staff(roster), seed, scale, duration_multipliers(usage, seed)
        ),
        "quality": quality,
        "sales": write_sales(landing, launches, seed, scale),
        "feedback": write_feedback(landing, seed, scale),
        "products": write_launches(landing, launches),
        "initiatives": write_registry(landing),
        "benchmarks": write_benchmarks(landing),
    }
    written["ai_usage"], usage_truth = write_usage(landing, usage)
    truth = ground_truth(seed, scale, claims, written) | {"ai_usage": usage_truth}
    text = json.dumps(truth, indent=2, ensure_ascii=False) + "\n"
    (landing / "ground_truth.json").write_text(text, encoding="utf-8")
    return truth
