"""Envelopes: a report a node vouches for, signed with its key.

The signature is Ed25519 over the RFC 8785 bytes of the envelope (hub/federation/canonical.py);
the envelope's hash, the SHA-256 of the canonical bytes of the signed envelope (envelope and
signature), is the idempotency key of its delivery: the hub stores each hash once.

A signed envelope travels as JSON in exactly its canonical form's values: every field present
(null where empty), amounts as decimal strings, times as msgspec writes them (`...Z` in UTC).
Anything else is refused when decoding, with where and what, so the bytes the hub verifies are
the values it stores.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from importlib import metadata
from typing import Annotated, Any

import msgspec
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hub.federation import keys
from hub.federation.canonical import CanonicalError, builtins, canonical
from hub.reporting.model import KpiValueIn, StatementLineIn, TrialBalanceLineIn

Sequence_ = Annotated[int, msgspec.Meta(ge=1)]
Hex64 = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
Fingerprint = Annotated[str, msgspec.Meta(pattern=f"^[0-9a-f]{{{keys.FINGERPRINT_DIGITS}}}$")]
Text = Annotated[str, msgspec.Meta(min_length=1)]
Aware = Annotated[dt.datetime, msgspec.Meta(tz=True)]


class StatementsReport(
    msgspec.Struct,
    frozen=True,
    kw_only=True,
    forbid_unknown_fields=True,
    tag="statements",
    tag_field="dataset",
):
    """Financial statements as hub/reporting/model.py StatementsIn takes them."""

    period: Text
    lines: tuple[StatementLineIn, ...] = ()
    trial_balance: tuple[TrialBalanceLineIn, ...] = ()
    comment: str | None = None


class KpiReport(
    msgspec.Struct,
    frozen=True,
    kw_only=True,
    forbid_unknown_fields=True,
    tag="kpi",
    tag_field="dataset",
):
    """KPI values as hub/reporting/model.py KpiSubmissionIn takes them."""

    period: Text
    values: tuple[KpiValueIn, ...]
    comment: str | None = None


ReportBody = StatementsReport | KpiReport


class Envelope(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    entity: Text
    sequence: Sequence_
    report: ReportBody
    source_sha256: Hex64 | None
    software_version: Text
    rule_set_version: Hex64
    created_at: Aware
    key_fingerprint: Fingerprint


class SignedEnvelope(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    envelope: Envelope
    signature: Text  # base64url of the 64-byte Ed25519 signature, no padding


class EnvelopeError(ValueError):
    """A signed envelope cannot be read; the message says where in the JSON and what."""


def software_version() -> str:
    try:
        return metadata.version("network-hub")
    except metadata.PackageNotFoundError:
        return "unknown"


def signed(envelope: Envelope, private_key: Ed25519PrivateKey) -> SignedEnvelope:
    signature = keys.sign(private_key, canonical(envelope))
    return SignedEnvelope(envelope=envelope, signature=_b64(signature))


def signature_verifies(
    signed_envelope: SignedEnvelope,
    public_key: Ed25519PublicKey,
    envelope_bytes: bytes | None = None,
) -> bool:
    """`envelope_bytes`: the envelope's canonical bytes when already known (`Opened`)."""
    signature = _unb64(signed_envelope.signature)
    if signature is None or len(signature) != 64:
        return False
    if envelope_bytes is None:
        envelope_bytes = canonical(signed_envelope.envelope)
    return keys.verifies(public_key, signature, envelope_bytes)


def envelope_hash(signed_envelope: SignedEnvelope) -> str:
    """The delivery's idempotency key: SHA-256 (hex) of the signed envelope's canonical bytes."""
    return hashlib.sha256(canonical(signed_envelope)).hexdigest()


def _signed_bytes(envelope_bytes: bytes, signature: str) -> bytes:
    """The signed envelope's canonical bytes from its envelope's: RFC 8785 writes an object's
    members sorted, each value canonical, and "envelope" sorts before "signature"."""
    return b'{"envelope":' + envelope_bytes + b',"signature":' + rfc8785.dumps(signature) + b"}"


class Sealed(msgspec.Struct, frozen=True, kw_only=True):
    """A node's envelope ready to send: signed, its JSON and its hash."""

    signed: SignedEnvelope
    data: bytes
    hash: str


class Opened(msgspec.Struct, frozen=True, kw_only=True):
    """An envelope as the hub reads it: decoded, its envelope's canonical bytes, its hash."""

    signed: SignedEnvelope
    envelope_bytes: bytes
    hash: str

    def verifies(self, public_key: Ed25519PublicKey) -> bool:
        return signature_verifies(self.signed, public_key, self.envelope_bytes)


def seal(envelope: Envelope, private_key: Ed25519PrivateKey) -> Sealed:
    """`signed`, `encode` and `envelope_hash` with one canonicalisation of the report."""
    envelope_bytes = canonical(envelope)
    signature = _b64(keys.sign(private_key, envelope_bytes))
    data = _signed_bytes(envelope_bytes, signature)
    return Sealed(
        signed=SignedEnvelope(envelope=envelope, signature=signature),
        data=data,
        hash=hashlib.sha256(data).hexdigest(),
    )


def open_envelope(data: bytes) -> Opened:
    """`decode`, then the canonical bytes and hash from the values decoded (checked equal to
    the typed envelope's), without canonicalising the report twice."""
    signed_envelope, values = _decode(data)
    envelope_bytes = rfc8785.dumps(values["envelope"])
    return Opened(
        signed=signed_envelope,
        envelope_bytes=envelope_bytes,
        hash=hashlib.sha256(_signed_bytes(envelope_bytes, signed_envelope.signature)).hexdigest(),
    )


def encode(signed_envelope: SignedEnvelope) -> bytes:
    """The signed envelope's canonical JSON: what the node sends."""
    return canonical(signed_envelope)


def decode(data: bytes) -> SignedEnvelope:
    """A signed envelope from JSON; EnvelopeError names the first problem and where it is."""
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[SignedEnvelope, Any]:
    """The signed envelope and its canonical values (Decimals as their strings)."""
    try:
        sent = msgspec.json.decode(data)
        typed = msgspec.json.decode(data, type=SignedEnvelope)
    except msgspec.ValidationError as error:
        raise EnvelopeError(_located(str(error))) from None
    except msgspec.DecodeError as error:
        raise EnvelopeError(f"not JSON: {error}") from None
    try:
        expected = builtins(typed)
    except CanonicalError as error:
        raise EnvelopeError(str(error)) from None
    difference = _first_difference(sent, expected, "$")
    if difference is not None:
        raise EnvelopeError(difference)
    return typed, expected


def _located(message: str) -> str:
    """msgspec's "Expected ... - at `$.envelope.sequence`" as "$.envelope.sequence: Expected..."."""
    text, sep, where = message.rpartition(" - at ")
    if not sep:
        return f"$: {message}"
    return f"{where.strip('`')}: {text}"


def _first_difference(sent: Any, expected: Any, where: str) -> str | None:
    """Where the JSON sent is not written as its canonical values, and how it should be."""
    if isinstance(expected, dict) and isinstance(sent, dict):
        for key, value in expected.items():
            if key not in sent:
                return f"{where}.{key}: missing; write {_json(value)}"
            found = _first_difference(sent[key], value, f"{where}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(sent, list) and len(sent) == len(expected):
        for index, (one, other) in enumerate(zip(sent, expected, strict=True)):
            found = _first_difference(one, other, f"{where}[{index}]")
            if found is not None:
                return found
        return None
    if type(sent) is type(expected) and sent == expected:
        return None
    hint = " (amounts are decimal strings)" if isinstance(sent, int | float) else ""
    return f"{where}: {_json(sent)} must be written {_json(expected)}{hint}"


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
