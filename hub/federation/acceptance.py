"""Whether the hub accepts an envelope: a pure decision, every reason given in words a node
shows its users.

The hub looks the envelope's hash up before it asks: an envelope it already stored is answered
as stored (at-least-once delivery), not judged again. Sequences may skip numbers (an envelope
refused on the node's side keeps its number) but never go back. The key's validity is judged
at the time of receipt, which the hub's clock gives, not at `created_at`, which the signer
writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hub.federation import keys
from hub.federation.envelope import SignedEnvelope, signature_verifies
from hub.federation.ruleset import short
from hub.registry.model import ReportingMode
from hub.reporting.reported_by import reported_centrally


@dataclass(frozen=True, slots=True)
class RegisteredKey:
    """A node's public key as the hub's admin registered it. A rotation registers the new key
    and gives the old one a `valid_to` after the new one's `valid_from`: both work in between."""

    entity: str
    public_key: str  # keys.public_text
    valid_from: dt.datetime
    valid_to: dt.datetime | None = None

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(keys.parse_public(self.public_key))

    def valid_at(self, moment: dt.datetime) -> bool:
        return self.valid_from <= moment and (self.valid_to is None or moment < self.valid_to)


@dataclass(frozen=True, slots=True)
class Received:
    """What the hub knows when an envelope arrives."""

    signed: SignedEnvelope
    keys: Sequence[RegisteredKey]
    last_accepted_sequence: int | None  # the entity's; None before its first envelope
    current_rule_set: str
    received_at: dt.datetime
    envelope_bytes: bytes | None = None  # its canonical bytes when known (envelope.Opened)
    # How network.toml says the envelope's entity is reported; None: not an entity of the
    # network (no key can be registered for it, so the key rules refuse it).
    reporting: ReportingMode | None = None

    @property
    def fingerprint(self) -> str:
        return self.signed.envelope.key_fingerprint

    @property
    def entity(self) -> str:
        return self.signed.envelope.entity

    def keys_with_fingerprint(self) -> list[RegisteredKey]:
        return [key for key in self.keys if key.fingerprint == self.fingerprint]

    def entity_keys(self) -> list[RegisteredKey]:
        return [key for key in self.keys_with_fingerprint() if key.entity == self.entity]


@dataclass(frozen=True, slots=True)
class Refusal:
    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class Decision:
    refusals: tuple[Refusal, ...]

    @property
    def accepted(self) -> bool:
        return not self.refusals

    @property
    def reasons(self) -> list[str]:
        return [refusal.message for refusal in self.refusals]

    @property
    def vouched(self) -> bool:
        """Whether a key of the envelope's entity, in force at receipt, signed it (accepted or
        refused for another reason): the node reached the hub."""
        return not any(refusal.rule in VOUCHING_RULES for refusal in self.refusals)


def _reporting(received: Received) -> str | None:
    if received.reporting is not ReportingMode.CENTRAL:
        return None
    return reported_centrally(received.entity)


def _key_registered(received: Received) -> str | None:
    if received.keys_with_fingerprint():
        return None
    return f"key {received.fingerprint} is not registered for {received.entity}"


def _key_of_entity(received: Received) -> str | None:
    found = received.keys_with_fingerprint()
    if not found or received.entity_keys():
        return None
    owners = ", ".join(sorted({key.entity for key in found}))
    return f"key {received.fingerprint} is registered for {owners}, not {received.entity}"


def _key_in_force(received: Received) -> str | None:
    mine = received.entity_keys()
    if not mine or any(key.valid_at(received.received_at) for key in mine):
        return None
    moment = received.received_at
    expired = [key.valid_to for key in mine if key.valid_to is not None and key.valid_to <= moment]
    if expired:
        return f"key {received.fingerprint} expired on {max(expired).date().isoformat()}"
    starts = min(key.valid_from for key in mine)
    return f"key {received.fingerprint} is valid only from {starts.date().isoformat()}"


def _signature(received: Received) -> str | None:
    mine = received.entity_keys()
    if not mine:
        return None  # which key would tell: the key rules say why there is none
    public = keys.parse_public(mine[0].public_key)
    if signature_verifies(received.signed, public, received.envelope_bytes):
        return None
    return (
        "the signature does not verify: the envelope was changed after signing, "
        "or signed with another key"
    )


def _sequence(received: Received) -> str | None:
    last, sequence = received.last_accepted_sequence, received.signed.envelope.sequence
    if last is None or sequence > last:
        return None
    if sequence == last:
        return (
            f"sequence {sequence} was already accepted (last accepted: {last}) with another "
            f"envelope: a new envelope needs a sequence above {last}"
        )
    return (
        f"sequence {sequence} was already accepted (last accepted: {last}): "
        "a replay of an older envelope"
    )


def _rule_set(received: Received) -> str | None:
    sent = received.signed.envelope.rule_set_version
    if sent == received.current_rule_set:
        return None
    return (
        f"rule set {short(sent)}… is out of date: the network's current one is "
        f"{short(received.current_rule_set)}…; update the node's reference data and send again"
    )


# Each rule in the order a node's user reads them; all that fail are given.
RULES: tuple[tuple[str, Callable[[Received], str | None]], ...] = (
    ("reporting", _reporting),
    ("key-registered", _key_registered),
    ("key-of-entity", _key_of_entity),
    ("key-in-force", _key_in_force),
    ("signature", _signature),
    ("sequence", _sequence),
    ("rule-set", _rule_set),
)


# The rules that, passed, prove the entity's node signed the envelope with a key in force.
VOUCHING_RULES = frozenset({"key-registered", "key-of-entity", "key-in-force", "signature"})


def decide(received: Received) -> Decision:
    return Decision(
        tuple(
            Refusal(rule, message)
            for rule, check in RULES
            if (message := check(received)) is not None
        )
    )
