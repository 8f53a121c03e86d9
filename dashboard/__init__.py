"""A self-contained HTML dashboard of the serving file, for managers.

`build_dashboard(serving_path, output_dir)` reads only the serving DuckDB file (read-only)
and writes `roi-dashboard-<published_run_id>.html` and `index.html`; the page needs no
network (inline CSS and SVG charts, a few lines of script for the tabs and for sorting
and filtering the tables).

Every headline number carries `data-metric` and `data-value` (the raw value, or "null"):
- `<initiative_id>.<column>`: a column of overview.initiative_roi
- `<initiative_id>.<metric_name>.<column>`: a column of overview.initiative_effects
- `<initiative_id>.<metric_name>.event_study.<event_time>.<column>`: a column of
  overview.initiative_event_study (event_time may be negative); on the marks of the
  event-study charts, whose tooltip starts with the number
- `<initiative_id>.benefit.<stream>.annual|annual_low|annual_high`: a benefit stream of
  metrics.cost_savings per year (12 x sum / distinct months, as initiative_roi does)
- `<initiative_id>.objectives.met`: objectives with status "met"
- `portfolio.<column>`: the sum of an initiative_roi column; `portfolio.objectives.met`
- `publish.files_loaded|rows_quarantined|restatements`: the data-quality footer;
  `publish.suites|suites_passed|expectations_failed|expectations_warned`: the Data quality
  page's tables validated, those passing every check, and the expectations failing at
  error and at warn level in quality.quality_results

On the Where next page every figure carries `data-column` (a column of
overview.opportunities) and `data-value`, inside an element whose `data-process` and
`data-department` name its row. On the Data quality page, rows carry `data-suite` (a
relation of quality.quality_results; failed or warned expectations also
`data-expectation` and `data-column`) or `data-source` and `data-reason` (the quarantine
by source and reason), and their figures `data-column` and `data-value`.

Each figure of the every-unit tables carries `data-unit-type`, `data-unit-id`,
`data-unit-metric` and `data-value`: the ratio of sums of that unit's cells of the metric
shown in its metrics table over the table's latest 12 months.
"""

from dashboard.build import build_dashboard

__all__ = ["build_dashboard"]
