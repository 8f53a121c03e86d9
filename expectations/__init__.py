"""Great Expectations quality gate over the warehouse's DuckDB relations.

Suites live as JSON in `suites/` (see README.md); `validate_relation` checks a relation
against its suite and `record_outcome` appends the result to `audit.quality_results`.
Importing this package does not import Great Expectations (about three seconds).
"""

from expectations.audit import record_outcome
from expectations.checkpoint import build_docs
from expectations.outcome import ExpectationOutcome, SuiteOutcome
from expectations.runner import validate_relation
from expectations.suites import relations, suite_for, suite_names

__all__ = [
    "ExpectationOutcome",
    "SuiteOutcome",
    "build_docs",
    "record_outcome",
    "relations",
    "suite_for",
    "suite_names",
    "validate_relation",
]
