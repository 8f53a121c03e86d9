"""Deterministic demo data: a ~900-person manufacturer with five AI initiatives whose
effects are injected into its landing files and written to ground_truth.json."""

from .generator import generate

__all__ = ["generate"]
