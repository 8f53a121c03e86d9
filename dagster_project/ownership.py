"""Who owns the assets: the team or people in `AIROI_ASSET_OWNERS`, on every asset that
does not name its own (a dbt model may, with `meta: {dagster: {owners: [...]}}`).

Owners are configuration, not code: each deployment names its own team, and the Dagster
UI filters and routes alerts by them.
"""

import os
import re
from collections.abc import Iterable, Sequence

import dagster as dg

OWNERS_VARIABLE = "AIROI_ASSET_OWNERS"
DEFAULT_OWNERS = "team:analytics-engineering"
# Dagster's rule: an email address, or a team name after `team:`.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def owners_from_env() -> list[str]:
    """`team:data-platform, ana@example.com` → the owners named, in order."""
    text = os.environ.get(OWNERS_VARIABLE) or DEFAULT_OWNERS
    owners = [owner.strip() for owner in text.split(",") if owner.strip()]
    invalid = [owner for owner in owners if not _is_owner(owner)]
    if invalid or not owners:
        raise ValueError(
            f"{OWNERS_VARIABLE}={text!r}: each owner must be an email address or "
            f"'team:<name>' (not {', '.join(invalid) or 'empty'})"
        )
    return owners


def _is_owner(owner: str) -> bool:
    return bool(_EMAIL.match(owner)) or (owner.startswith("team:") and len(owner) > len("team:"))


def with_default_owners(
    assets: Iterable[dg.AssetsDefinition | dg.AssetSpec], owners: Sequence[str]
) -> list[dg.AssetsDefinition | dg.AssetSpec]:
    """The assets, each owned by `owners` unless it already names its owners."""

    def own(spec: dg.AssetSpec) -> dg.AssetSpec:
        return spec if spec.owners else spec.replace_attributes(owners=list(owners))

    return list(dg.map_asset_specs(own, assets))
