"""Data Docs pages that show the values found in data as text, never as markup.

GX 1.24.1 HTML-escapes the parameters of its string templates (an expectation's value set,
an exception message), but writes what a validation *result* holds into the page as it is:
the "Sampled Unexpected Values" table puts each value in a cell
(`Expectation._diagnostic_unexpected_table_renderer`, then `table.j2`, where
`render_content_block` returns a string unchanged and `.j2` templates are not autoescaped),
the "Observed Value" column prints `str(observed_value)`
(`Expectation._get_observed_value_from_evr`), and an exception's traceback is used as the
template itself. So an `order_id` of `<script>…</script>` in a raw table would run in the
browser of whoever opens the report.

The site renders validation pages with `EscapedValidationResultsPageRenderer` (set in
`checkpoint._site`): GX's own renderer, given a copy of the results whose values are
HTML-escaped once. What is validated, the stored results, the outcome and
`audit.quality_results` keep the values as found. Imported by GX when it builds the site,
never by `expectations/__init__.py` (importing GX costs about three seconds).
"""

from __future__ import annotations

import copy
import html
from typing import Any

from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.core.expectation_validation_result import ExpectationValidationResult
from great_expectations.render.renderer import ValidationResultsPageRenderer


class EscapedValidationResultsPageRenderer(ValidationResultsPageRenderer):
    """GX's validation page, rendered from results whose observed values are escaped."""

    def render(
        self,
        validation_results: ExpectationSuiteValidationResult,
        suite_parameters: Any = None,
    ) -> Any:
        escaped = copy.copy(validation_results)
        escaped.results = [escaped_result(result) for result in validation_results.results]
        return super().render(escaped, suite_parameters)


def escaped_result(result: ExpectationValidationResult) -> ExpectationValidationResult:
    """A copy of `result` to render: every string under `result` (samples, counts, the
    observed value, details) and the exception traceback HTML-escaped. The expectation's
    kwargs and the exception message stay as they are: GX escapes those template
    parameters itself, and escaping them twice would show `&lt;` on the page."""
    escaped = copy.copy(result)
    escaped.result = escaped_values(result.result or {})
    escaped.exception_info = _escaped_tracebacks(result.exception_info or {})
    return escaped


def escaped_values(value: Any) -> Any:
    """`value` with every string in it, dictionary keys included, HTML-escaped: the keys
    of a compound check's samples are printed too, and escaping both sides keeps them
    matching the column names GX looks up in them."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, dict):
        return {escaped_values(key): escaped_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [escaped_values(item) for item in value]
    return value


def _escaped_tracebacks(info: dict[str, Any]) -> dict[str, Any]:
    # GX keeps one exception at the top level, or one per failing metric keyed by metric
    # id; a traceback may quote the value that raised (e.g. a failed conversion).
    if "exception_traceback" in info:
        return {**info, "exception_traceback": escaped_values(info["exception_traceback"])}
    return {
        key: _escaped_tracebacks(item) if isinstance(item, dict) else item
        for key, item in info.items()
    }
