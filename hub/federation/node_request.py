"""Signed node requests: how a node asks the hub for its reference data and its envelopes'
status, with its key as the credential (no user, no token).

The node signs, with its Ed25519 key, the canonical JSON (RFC 8785) of

    {"entity", "key_fingerprint", "method", "path", "time", "body_sha256"}

and sends the entity, the fingerprint, the time and the signature as headers. The hub rebuilds
the same JSON from the headers and the request it received (its method, its path, the SHA-256
of its body), so a signature covers exactly that request; it accepts it when a key registered
for the entity and valid now verifies the signature and the time is within five minutes of the
hub's clock. Anything else is refused with one line the node shows. Pure: the caller gives the
registered keys and the time.

The requests this guards only read (reference data, status), so a copy replayed within the five
minutes tells its sender nothing the node was not told already.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.federation import keys
from hub.federation.acceptance import RegisteredKey
from hub.federation.canonical import canonical

ENTITY = "Hub-Node-Entity"
KEY = "Hub-Node-Key"
TIME = "Hub-Node-Time"
SIGNATURE = "Hub-Node-Signature"
HEADERS = (ENTITY, KEY, TIME, SIGNATURE)

WINDOW = dt.timedelta(minutes=5)


class Claim(msgspec.Struct, frozen=True, kw_only=True):
    """What a node signs: who asks, with which key, for what, when."""

    entity: str
    key_fingerprint: str
    method: str
    path: str
    time: str
    body_sha256: str


class RequestRefused(Exception):
    """The hub does not take the request as the node's; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Verified:
    entity: str
    fingerprint: str


def claim_bytes(claim: Claim) -> bytes:
    return canonical(claim)


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def time_text(moment: dt.datetime) -> str:
    """A moment as the Hub-Node-Time header writes it: UTC, seconds, `Z`."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sign_request(
    private_key: Ed25519PrivateKey,
    entity: str,
    method: str,
    path: str,
    body: bytes,
    at: dt.datetime,
) -> dict[str, str]:
    """The headers that make a request the node's."""
    fingerprint = keys.fingerprint(private_key.public_key())
    claim = Claim(
        entity=entity,
        key_fingerprint=fingerprint,
        method=method.upper(),
        path=path,
        time=time_text(at),
        body_sha256=body_sha256(body),
    )
    signature = keys.sign(private_key, claim_bytes(claim))
    return {
        ENTITY: entity,
        KEY: fingerprint,
        TIME: claim.time,
        SIGNATURE: base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii"),
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name) or headers.get(name.lower())
    if not value or not value.strip():
        raise RequestRefused(f"not a signed node request: the {name} header is missing")
    return value.strip()


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise RequestRefused(
            f"{TIME}: {text!r} is not a time with its time zone, e.g. 2026-12-01T09:30:00Z"
        )
    return moment


def _signature(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 64:
        raise RequestRefused(
            f"{SIGNATURE}: not an Ed25519 signature (64 bytes in base64url without padding)"
        )
    return raw


def _key(
    registered: Sequence[RegisteredKey], entity: str, fingerprint: str, now: dt.datetime
) -> RegisteredKey:
    found = [key for key in registered if key.fingerprint == fingerprint]
    mine = [key for key in found if key.entity == entity]
    if not found:
        raise RequestRefused(f"key {fingerprint} is not registered for {entity}")
    if not mine:
        owners = ", ".join(sorted({key.entity for key in found}))
        raise RequestRefused(f"key {fingerprint} is registered for {owners}, not {entity}")
    valid = [key for key in mine if key.valid_at(now)]
    if valid:
        return valid[0]
    ended = [key.valid_to for key in mine if key.valid_to is not None and key.valid_to <= now]
    if ended:
        raise RequestRefused(f"key {fingerprint} expired on {max(ended).date().isoformat()}")
    starts = min(key.valid_from for key in mine)
    raise RequestRefused(f"key {fingerprint} is valid only from {starts.date().isoformat()}")


def _distance(delta: dt.timedelta) -> str:
    seconds = abs(delta.total_seconds())
    return f"{seconds:.0f} seconds" if seconds < 600 else f"{seconds / 60:.0f} minutes"


def verify(
    headers: Mapping[str, str],
    method: str,
    path: str,
    body: bytes,
    *,
    registered: Sequence[RegisteredKey],
    entities: Collection[str],
    now: dt.datetime,
) -> Verified:
    """The entity and key of a request the node signed; `RequestRefused` otherwise.
    `registered`: the keys of the hub's register; `entities`: the network's entity codes."""
    entity, fingerprint, time, signature = (_header(headers, name) for name in HEADERS)
    moment = _moment(time)
    if entity not in entities:
        raise RequestRefused(f"{entity} is not an entity of the network")
    key = _key(registered, entity, fingerprint, now)
    claim = Claim(
        entity=entity,
        key_fingerprint=fingerprint,
        method=method.upper(),
        path=path,
        time=time,
        body_sha256=body_sha256(body),
    )
    public = keys.parse_public(key.public_key)
    if not keys.verifies(public, _signature(signature), claim_bytes(claim)):
        raise RequestRefused(
            f"the request's signature does not verify with key {fingerprint}: the request was "
            "changed on the way, or signed with another key"
        )
    off = moment - now
    if abs(off) > WINDOW:
        side = "ahead of" if off > dt.timedelta(0) else "behind"
        raise RequestRefused(
            f"the request was signed at {time_text(moment)}, {_distance(off)} {side} the hub's "
            f"clock ({time_text(now)}); more than 5 minutes apart: check the node's clock"
        )
    return Verified(entity=entity, fingerprint=fingerprint)
