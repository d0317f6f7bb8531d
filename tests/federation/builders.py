"""Envelopes for the federation tests: a Swedish statements report and its signed envelope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.federation import keys
from hub.federation.envelope import Envelope, SignedEnvelope, StatementsReport, signed
from hub.reporting.model import StatementLineIn, TrialBalanceLineIn

RULE_SET = "1a2b3c4d5e6f" + "0" * 52
CREATED = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)


def report() -> StatementsReport:
    return StatementsReport(
        period="2026-Q3",
        lines=(StatementLineIn(line="PL.REV", amount=Decimal("1250000.00"), currency="SEK"),),
        trial_balance=(
            TrialBalanceLineIn(
                account="1930", amount=Decimal("412345.67"), currency="SEK", label="Bank"
            ),
            TrialBalanceLineIn(
                account="3041", amount=Decimal("-412345.67"), currency="SEK", label="Sales"
            ),
        ),
    )


def envelope(
    key: Ed25519PrivateKey,
    *,
    entity: str = "SE",
    sequence: int = 1,
    rule_set: str = RULE_SET,
) -> Envelope:
    return Envelope(
        entity=entity,
        sequence=sequence,
        report=report(),
        source_sha256="ab" * 32,
        software_version="0.1.0",
        rule_set_version=rule_set,
        created_at=CREATED,
        key_fingerprint=keys.fingerprint(key.public_key()),
    )


def signed_envelope(key: Ed25519PrivateKey, **fields: object) -> SignedEnvelope:
    return signed(envelope(key, **fields), key)  # type: ignore[arg-type]
