"""Reporting rules from `config/reporting.toml`: tolerances, warning thresholds, upload limits."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import msgspec

from hub.registry.load import ConfigError, decode_toml
from hub.reporting.due import Deadlines


class Tolerances(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    rounding: Decimal
    trial_balance: Decimal


class Warnings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    change_share: Decimal


class Contributions(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    gap_tolerance: Decimal


Positive = Annotated[int, msgspec.Meta(gt=0)]


class Upload(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Limits of a workbook upload; docs/uploads.md says what each one stops."""

    max_bytes: Positive
    max_trial_balance_rows: Positive
    max_listed_errors: Positive
    max_members: Positive
    max_inflated_member_bytes: Positive
    max_inflated_bytes: Positive
    max_compression_ratio: Positive
    compression_ratio_from_bytes: Positive
    max_concurrent_uploads: Positive
    upload_wait_seconds: Positive
    # A national export (SIE, DATEV, CSV): read as a stream, line by line; over HTTP its body
    # is bounded by this too.
    max_import_bytes: Positive


class Federation(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """What the hub shows about national nodes (federationStatus): an entity reported by its
    node is stale when the node has not reached the hub for longer than this. The hub's
    operations, not a rule a report is checked against: it is not in the rule-set version."""

    stale_after_days: Positive = 7


class ReportingRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    tolerances: Tolerances
    warnings: Warnings
    contributions: Contributions
    upload: Upload
    # When each dataset is due, per kind of period (hub/reporting/due.py); none: never overdue.
    deadlines: Deadlines = Deadlines()
    federation: Federation = Federation()


def load_reporting_rules(path: Path) -> ReportingRules:
    rules = decode_toml(path, ReportingRules, parse_float=Decimal)
    problems = [
        f"{key}: must not be negative"
        for key, value in (
            ("tolerances.rounding", rules.tolerances.rounding),
            ("tolerances.trial_balance", rules.tolerances.trial_balance),
            ("warnings.change_share", rules.warnings.change_share),
        )
        if value < 0
    ]
    if problems:
        raise ConfigError(path, problems)
    return rules
