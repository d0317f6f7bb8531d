"""Signed node requests, pure: the headers a node signs, and every reason the hub refuses one
(a line the node shows)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.federation import keys
from hub.federation.acceptance import RegisteredKey
from hub.federation.canonical import canonical
from hub.federation.node_request import (
    Claim,
    RequestRefused,
    Verified,
    claim_bytes,
    sign_request,
    verify,
)
from tests.federation.test_keys import vector_key

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
PATH = "/api/federation/status"
ENTITIES = ("BE", "DE", "SE")


def registered(key: Ed25519PrivateKey, entity: str = "SE", **dates: dt.datetime) -> RegisteredKey:
    return RegisteredKey(
        entity,
        keys.public_text(key.public_key()),
        dates.get("valid_from", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        dates.get("valid_to"),
    )


def check(
    headers: dict[str, str],
    registry: list[RegisteredKey],
    *,
    method: str = "POST",
    path: str = PATH,
    body: bytes = b"{}",
    now: dt.datetime = NOW,
) -> Verified:
    return verify(headers, method, path, body, registered=registry, entities=ENTITIES, now=now)


def refusal(headers: dict[str, str], registry: list[RegisteredKey], **request: object) -> str:
    with pytest.raises(RequestRefused) as refused:
        check(headers, registry, **request)  # type: ignore[arg-type]
    return str(refused.value)


def test_the_signed_claim_is_the_canonical_json_of_the_request_with_a_known_signature() -> None:
    key = vector_key()
    headers = sign_request(key, "SE", "post", PATH, b"{}", NOW)
    claim = Claim(
        entity="SE",
        key_fingerprint="21fe31dfa154a261",
        method="POST",
        path=PATH,
        time="2026-12-01T09:30:00Z",
        body_sha256=hashlib.sha256(b"{}").hexdigest(),
    )
    assert claim_bytes(claim) == (
        b'{"body_sha256":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",'
        b'"entity":"SE","key_fingerprint":"21fe31dfa154a261","method":"POST",'
        b'"path":"/api/federation/status","time":"2026-12-01T09:30:00Z"}'
    )
    assert claim_bytes(claim) == canonical(claim)
    signature = keys.sign(key, claim_bytes(claim))
    assert headers == {
        "Hub-Node-Entity": "SE",
        "Hub-Node-Key": "21fe31dfa154a261",
        "Hub-Node-Time": "2026-12-01T09:30:00Z",
        "Hub-Node-Signature": base64.urlsafe_b64encode(signature).rstrip(b"=").decode(),
    }
    assert check(headers, [registered(key)]) == Verified("SE", "21fe31dfa154a261")


def test_header_names_are_read_whatever_their_case_and_the_clock_may_be_off_five_minutes() -> None:
    key = Ed25519PrivateKey.generate()
    headers = {k.lower(): v for k, v in sign_request(key, "SE", "GET", PATH, b"", NOW).items()}
    for off in (dt.timedelta(minutes=5), -dt.timedelta(minutes=5)):
        assert check(headers, [registered(key)], method="GET", body=b"", now=NOW + off).entity == (
            "SE"
        )


def test_a_missing_header_or_a_malformed_value_is_refused_by_name() -> None:
    key = Ed25519PrivateKey.generate()
    headers = sign_request(key, "SE", "POST", PATH, b"{}", NOW)
    registry = [registered(key)]
    assert refusal({}, registry) == (
        "not a signed node request: the Hub-Node-Entity header is missing"
    )
    without = {k: v for k, v in headers.items() if k != "Hub-Node-Signature"}
    assert refusal(without, registry) == (
        "not a signed node request: the Hub-Node-Signature header is missing"
    )
    assert refusal({**headers, "Hub-Node-Time": "2026-12-01 09:30"}, registry) == (
        "Hub-Node-Time: '2026-12-01 09:30' is not a time with its time zone, "
        "e.g. 2026-12-01T09:30:00Z"
    )
    assert refusal({**headers, "Hub-Node-Signature": "c2lnbmF0dXJl"}, registry) == (
        "Hub-Node-Signature: not an Ed25519 signature (64 bytes in base64url without padding)"
    )


def test_keys_the_register_does_not_vouch_for_are_refused_with_the_acceptance_words() -> None:
    key = Ed25519PrivateKey.generate()
    fingerprint = keys.fingerprint(key.public_key())
    headers = sign_request(key, "SE", "POST", PATH, b"{}", NOW)
    assert refusal(headers, []) == f"key {fingerprint} is not registered for SE"
    assert refusal(headers, [registered(key, "DE")]) == (
        f"key {fingerprint} is registered for DE, not SE"
    )
    ended = registered(key, valid_to=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    assert refusal(headers, [ended]) == f"key {fingerprint} expired on 2026-11-01"
    future = registered(key, valid_from=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    assert refusal(headers, [future]) == f"key {fingerprint} is valid only from 2027-01-01"
    other = sign_request(key, "XX", "POST", PATH, b"{}", NOW)
    assert refusal(other, [registered(key)]) == "XX is not an entity of the network"


def test_another_entity_signing_as_se_is_refused_even_with_its_own_registered_key() -> None:
    germany = Ed25519PrivateKey.generate()
    headers = sign_request(germany, "SE", "POST", PATH, b"{}", NOW)
    fingerprint = keys.fingerprint(germany.public_key())
    sweden = Ed25519PrivateKey.generate()
    registry = [registered(germany, "DE"), registered(sweden, "SE")]
    assert refusal(headers, registry) == f"key {fingerprint} is registered for DE, not SE"


@pytest.mark.parametrize(
    ("changed", "value"),
    [("method", "GET"), ("path", "/api/federation/reference"), ("body", b'{"all": true}')],
)
def test_a_request_changed_after_signing_does_not_verify(changed: str, value: object) -> None:
    key = Ed25519PrivateKey.generate()
    headers = sign_request(key, "SE", "POST", PATH, b"{}", NOW)
    fingerprint = keys.fingerprint(key.public_key())
    assert refusal(headers, [registered(key)], **{changed: value}) == (
        f"the request's signature does not verify with key {fingerprint}: the request was "
        "changed on the way, or signed with another key"
    )
    forged = {**headers, "Hub-Node-Time": "2026-12-01T09:31:00Z"}
    assert "does not verify" in refusal(forged, [registered(key)])


def test_a_time_more_than_five_minutes_from_the_hubs_clock_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    registry = [registered(key)]
    late = sign_request(key, "SE", "POST", PATH, b"{}", NOW - dt.timedelta(minutes=12))
    assert refusal(late, registry) == (
        "the request was signed at 2026-12-01T09:18:00Z, 12 minutes behind the hub's clock "
        "(2026-12-01T09:30:00Z); more than 5 minutes apart: check the node's clock"
    )
    early = sign_request(key, "SE", "POST", PATH, b"{}", NOW + dt.timedelta(seconds=301))
    assert refusal(early, registry) == (
        "the request was signed at 2026-12-01T09:35:01Z, 301 seconds ahead of the hub's clock "
        "(2026-12-01T09:30:00Z); more than 5 minutes apart: check the node's clock"
    )
