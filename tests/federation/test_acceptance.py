"""The acceptance rules, each with the exact words a node shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.federation import keys
from hub.federation.acceptance import RULES, Decision, Received, RegisteredKey, decide
from hub.federation.envelope import SignedEnvelope, StatementsReport, decode, encode, open_envelope
from hub.registry.model import ReportingMode
from hub.reporting.model import StatementLineIn
from tests.federation.builders import RULE_SET, signed_envelope


def private(seed: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)


SE_OLD, SE_NEW, DE, STRANGER = private(1), private(2), private(3), private(4)


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def registered(
    key: Ed25519PrivateKey, entity: str, start: str, end: str | None = None
) -> RegisteredKey:
    return RegisteredKey(
        entity=entity,
        public_key=keys.public_text(key.public_key()),
        valid_from=day(start),
        valid_to=None if end is None else day(end),
    )


# SE rotated its key: the new one from 1 September, the old one kept until 1 October.
NETWORK = (
    registered(SE_OLD, "SE", "2025-01-01", "2026-10-01"),
    registered(SE_NEW, "SE", "2026-09-01"),
    registered(DE, "DE", "2025-01-01"),
)


def fp(key: Ed25519PrivateKey) -> str:
    return keys.fingerprint(key.public_key())


def judge(
    sent: SignedEnvelope,
    *,
    last: int | None = 9,
    current: str = RULE_SET,
    at: str = "2026-11-30T12:00:00",
    reporting: ReportingMode | None = ReportingMode.NODE,
) -> Decision:
    return decide(Received(sent, NETWORK, last, current, day(at), reporting=reporting))


def test_a_good_envelope_is_accepted() -> None:
    decision = judge(signed_envelope(SE_NEW, sequence=10))
    assert decision.accepted
    assert decision.reasons == []


def test_the_first_envelope_and_a_gap_in_sequences_are_accepted() -> None:
    assert judge(signed_envelope(SE_NEW, sequence=1), last=None).accepted
    assert judge(signed_envelope(SE_NEW, sequence=15)).accepted


SIGNATURE = (
    "the signature does not verify: the envelope was changed after signing, "
    "or signed with another key"
)


def test_a_tampered_report_is_refused() -> None:
    sent = signed_envelope(SE_NEW, sequence=10)
    changed = StatementsReport(
        period="2026-Q3",
        lines=(StatementLineIn(line="PL.REV", amount=Decimal("1350000.00"), currency="SEK"),),
        trial_balance=sent.envelope.report.trial_balance,  # type: ignore[union-attr]
    )
    tampered = msgspec.structs.replace(
        sent, envelope=msgspec.structs.replace(sent.envelope, report=changed)
    )
    assert judge(tampered).reasons == [SIGNATURE]


def test_the_json_changed_on_the_way_is_refused() -> None:
    """As the hub gets it: bytes, one amount edited, still a well-formed envelope."""
    data = encode(signed_envelope(SE_NEW, sequence=10))
    assert judge(decode(data)).accepted
    edited = data.replace(b'"412345.67"', b'"412345.76"', 1)
    assert judge(decode(edited)).reasons == [SIGNATURE]
    opened = open_envelope(edited)
    at = day("2026-11-30T12:00:00")
    received = Received(opened.signed, NETWORK, 9, RULE_SET, at, opened.envelope_bytes)
    assert decide(received).reasons == [SIGNATURE]


def test_a_tampered_sequence_is_refused() -> None:
    sent = signed_envelope(SE_NEW, sequence=10)
    tampered = msgspec.structs.replace(
        sent, envelope=msgspec.structs.replace(sent.envelope, sequence=11)
    )
    assert judge(tampered).reasons == [SIGNATURE]


def test_an_envelope_signed_with_another_key_than_it_names_is_refused() -> None:
    forged = msgspec.structs.replace(
        signed_envelope(STRANGER, sequence=10),
        envelope=msgspec.structs.replace(
            signed_envelope(STRANGER, sequence=10).envelope, key_fingerprint=fp(SE_NEW)
        ),
    )
    assert judge(forged).reasons == [SIGNATURE]


def test_a_garbled_signature_is_refused() -> None:
    sent = msgspec.structs.replace(signed_envelope(SE_NEW, sequence=10), signature="!!")
    assert judge(sent).reasons == [SIGNATURE]


def test_an_unregistered_key_is_refused() -> None:
    assert judge(signed_envelope(STRANGER, sequence=10)).reasons == [
        f"key {fp(STRANGER)} is not registered for SE"
    ]


def test_another_entity_s_key_is_refused() -> None:
    assert judge(signed_envelope(DE, sequence=10)).reasons == [
        f"key {fp(DE)} is registered for DE, not SE"
    ]


def test_an_envelope_for_another_entity_is_refused() -> None:
    """The Swedish node's key vouches for SE only."""
    assert judge(signed_envelope(SE_NEW, entity="DE", sequence=10)).reasons == [
        f"key {fp(SE_NEW)} is registered for SE, not DE"
    ]


def test_a_replayed_older_sequence_is_refused() -> None:
    assert judge(signed_envelope(SE_NEW, sequence=7)).reasons == [
        "sequence 7 was already accepted (last accepted: 9): a replay of an older envelope"
    ]


def test_a_second_envelope_with_the_last_sequence_is_refused() -> None:
    assert judge(signed_envelope(SE_NEW, sequence=9)).reasons == [
        "sequence 9 was already accepted (last accepted: 9) with another envelope: "
        "a new envelope needs a sequence above 9"
    ]


def test_an_out_of_date_rule_set_is_refused() -> None:
    current = "9c8d7e6f5a4b" + "1" * 52
    assert judge(signed_envelope(SE_NEW, sequence=10), current=current).reasons == [
        "rule set 1a2b3c4d5e6f… is out of date: the network's current one is 9c8d7e6f5a4b…; "
        "update the node's reference data and send again"
    ]


def test_both_keys_are_accepted_inside_the_rotation_overlap() -> None:
    for key in (SE_OLD, SE_NEW):
        assert judge(signed_envelope(key, sequence=10), at="2026-09-15T08:00:00").accepted
    assert judge(signed_envelope(SE_OLD, sequence=10), at="2026-09-30T23:59:59").accepted


def test_the_old_key_is_refused_after_the_overlap() -> None:
    assert judge(signed_envelope(SE_OLD, sequence=10), at="2026-10-01T00:00:00").reasons == [
        f"key {fp(SE_OLD)} expired on 2026-10-01"
    ]
    assert judge(signed_envelope(SE_NEW, sequence=10), at="2026-10-01T00:00:00").accepted


def test_the_new_key_is_refused_before_it_is_valid() -> None:
    assert judge(signed_envelope(SE_NEW, sequence=10), at="2026-08-31T12:00:00").reasons == [
        f"key {fp(SE_NEW)} is valid only from 2026-09-01"
    ]


def test_every_reason_is_given() -> None:
    current = "9c8d7e6f5a4b" + "1" * 52
    decision = judge(signed_envelope(STRANGER, sequence=3), current=current)
    assert [refusal.rule for refusal in decision.refusals] == [
        "key-registered",
        "sequence",
        "rule-set",
    ]
    assert not decision.accepted


def test_the_rules_are_named_once_each() -> None:
    names = [name for name, _ in RULES]
    assert len(names) == len(set(names)) == 7


CENTRAL = (
    "SE is reported centrally on the hub, not by a node: ask the hub's admin to switch it in "
    "network.toml"
)


def test_an_envelope_for_an_entity_reported_centrally_is_refused() -> None:
    decision = judge(signed_envelope(SE_NEW, sequence=10), reporting=ReportingMode.CENTRAL)
    assert [(r.rule, r.message) for r in decision.refusals] == [("reporting", CENTRAL)]
    # Its node signed it all the same: the node reached the hub.
    assert decision.vouched


def test_the_reporting_rule_comes_first_and_the_others_still_apply() -> None:
    decision = judge(
        signed_envelope(SE_NEW, sequence=3, rule_set="0" * 64), reporting=ReportingMode.CENTRAL
    )
    assert [r.rule for r in decision.refusals] == ["reporting", "sequence", "rule-set"]


def test_only_a_signature_by_a_key_of_the_entity_in_force_vouches() -> None:
    assert judge(signed_envelope(SE_NEW, sequence=3)).vouched  # refused for its sequence
    assert not judge(signed_envelope(STRANGER, sequence=10)).vouched
    assert not judge(signed_envelope(DE, sequence=10)).vouched  # DE's key for SE
    expired = judge(signed_envelope(SE_OLD, sequence=10), at="2026-10-02T00:00:00")
    assert not expired.vouched
    sent = signed_envelope(SE_NEW, sequence=10)
    tampered = msgspec.structs.replace(
        sent, envelope=msgspec.structs.replace(sent.envelope, sequence=11)
    )
    assert not judge(tampered).vouched
