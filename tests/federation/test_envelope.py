"""Envelopes: signing, the hash, the JSON round trip and bad JSON refused with its place."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from decimal import Decimal

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.federation import keys
from hub.federation.canonical import canonical
from hub.federation.envelope import (
    EnvelopeError,
    KpiReport,
    decode,
    encode,
    envelope_hash,
    open_envelope,
    seal,
    signature_verifies,
    signed,
    software_version,
)
from hub.reporting.model import KpiValueIn, Provenance
from tests.federation.builders import CREATED, RULE_SET, envelope, signed_envelope

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def test_the_signature_is_over_the_envelope_s_canonical_bytes() -> None:
    sent = signed_envelope(KEY)
    assert keys.verifies(KEY.public_key(), keys_signature(sent.signature), canonical(sent.envelope))
    assert signature_verifies(sent, KEY.public_key())
    assert not signature_verifies(sent, keys.generate().public_key())


def keys_signature(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_json_is_canonical_and_round_trips() -> None:
    sent = signed_envelope(KEY)
    data = encode(sent)
    assert data == canonical(sent)
    assert data.startswith(b'{"envelope":{"created_at":"2026-11-30T09:30:00Z","entity":"SE",')
    assert b'"amount":"412345.67"' in data
    assert b'"amount":"-412345.67"' in data
    assert b'"dataset":"statements"' in data
    back = decode(data)
    assert back == sent
    assert back.envelope.report.trial_balance[0].amount == Decimal("412345.67")  # type: ignore[union-attr]
    assert signature_verifies(back, KEY.public_key())


def test_a_kpi_report_round_trips() -> None:
    report = KpiReport(
        period="2026",
        values=(
            KpiValueIn(kpi="turnover", amount=Decimal("9876543.21"), currency="SEK"),
            KpiValueIn(kpi="members", amount=Decimal("2400"), provenance=Provenance.PUBLISHED),
        ),
    )
    sent = signed(msgspec.structs.replace(envelope(KEY), report=report), KEY)
    data = encode(sent)
    assert b'"dataset":"kpi"' in data
    assert decode(data) == sent


def test_the_hash_is_sha256_of_the_signed_envelope_s_canonical_bytes() -> None:
    sent = signed_envelope(KEY)
    assert envelope_hash(sent) == hashlib.sha256(canonical(sent)).hexdigest()
    # Ed25519 is deterministic: the same envelope, the same signature, the same hash.
    assert envelope_hash(signed_envelope(KEY)) == envelope_hash(sent)
    assert envelope_hash(signed_envelope(KEY, sequence=2)) != envelope_hash(sent)


def test_the_software_version_is_the_package_s() -> None:
    assert software_version() == "0.1.0"


def bad(old: bytes, new: bytes) -> str:
    data = encode(signed_envelope(KEY))
    assert old in data
    with pytest.raises(EnvelopeError) as caught:
        decode(data.replace(old, new, 1))
    return str(caught.value)


def test_an_amount_as_a_json_number_is_refused() -> None:
    assert bad(b'"412345.67"', b"412345.67") == (
        '$.envelope.report.trial_balance[0].amount: 412345.67 must be written "412345.67" '
        "(amounts are decimal strings)"
    )


def test_an_amount_with_an_exponent_is_refused() -> None:
    assert bad(b'"1250000.00"', b'"1.25E+6"') == (
        '$.envelope.report.lines[0].amount: "1.25E+6" must be written "1250000"'
    )


def test_a_non_finite_amount_is_refused() -> None:
    assert bad(b'"1250000.00"', b'"NaN"') == (
        "$.envelope.report.lines[0].amount: NaN is not an amount: only finite numbers are"
    )


def test_a_missing_field_is_named() -> None:
    assert bad(b'"comment":null,', b"") == "$.envelope.report.comment: missing; write null"


def test_a_sequence_below_one_is_refused() -> None:
    assert bad(b'"sequence":1', b'"sequence":0') == "$.envelope.sequence: Expected `int` >= 1"


def test_an_unknown_field_is_refused() -> None:
    assert bad(b'"entity":"SE"', b'"entity":"SE","extra":1') == (
        "$.envelope: Object contains unknown field `extra`"
    )


def test_an_unknown_dataset_is_refused() -> None:
    assert bad(b'"dataset":"statements"', b'"dataset":"budget"') == (
        "$.envelope.report.dataset: Invalid value 'budget'"
    )


def test_a_time_without_zone_is_refused() -> None:
    assert bad(b'"2026-11-30T09:30:00Z"', b'"2026-11-30T09:30:00"') == (
        "$.envelope.created_at: Expected `datetime` with a timezone component"
    )


def test_a_time_keeps_its_offset() -> None:
    stockholm = dt.datetime(2026, 11, 30, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    sent = signed(msgspec.structs.replace(envelope(KEY), created_at=stockholm), KEY)
    assert b'"created_at":"2026-11-30T10:30:00+01:00"' in encode(sent)
    assert decode(encode(sent)) == sent


def test_a_bad_rule_set_version_is_refused() -> None:
    assert bad(RULE_SET.encode(), b"1a2b") == (
        "$.envelope.rule_set_version: Expected `str` matching regex '^[0-9a-f]{64}$'"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not JSON: Input data was truncated"),
        (b"{", "not JSON: Input data was truncated"),
        (b"[]", "$: Expected `object`, got `array`"),
        (b'{"signature":"x"}', "$: Object missing required field `envelope`"),
    ],
)
def test_what_is_not_an_envelope_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(EnvelopeError) as caught:
        decode(data)
    assert str(caught.value) == message


def test_created_at_is_kept_to_the_second_given() -> None:
    assert decode(encode(signed_envelope(KEY))).envelope.created_at == CREATED
    assert CREATED.tzinfo is dt.UTC


def test_seal_gives_what_signed_encode_and_envelope_hash_give() -> None:
    made = envelope(KEY, sequence=3)
    sealed = seal(made, KEY)
    assert sealed.signed == signed(made, KEY)
    assert sealed.data == encode(signed(made, KEY))
    assert sealed.hash == envelope_hash(signed(made, KEY))


def test_open_envelope_gives_what_decode_and_envelope_hash_give() -> None:
    sealed = seal(envelope(KEY, sequence=3), KEY)
    opened = open_envelope(sealed.data)
    assert opened.signed == decode(sealed.data)
    assert opened.envelope_bytes == canonical(sealed.signed.envelope)
    assert opened.hash == sealed.hash
    assert opened.verifies(KEY.public_key())
    assert not opened.verifies(keys.generate().public_key())
    edited = open_envelope(sealed.data.replace(b'"412345.67"', b'"412345.76"', 1))
    assert not edited.verifies(KEY.public_key())
    assert edited.hash != sealed.hash
