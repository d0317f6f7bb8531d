"""Receiving envelopes on a real PostgreSQL with the real reporting workflow: an accepted one
becomes a version saved and submitted by the node user with the envelope as its provenance; the
same envelope twice is stored once; each refusal is stored with its reason and saves nothing;
the node's contact is recorded for what its key signed, and only for that."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import msgspec
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.auth.policy import Principal, Role
from hub.federation import keys
from hub.federation.envelope import Envelope, open_envelope, seal
from hub.federation.receive import Receipt, receive
from hub.federation.register import register_key
from hub.federation.ruleset import current_rule_set
from hub.services import Hub
from tests.federation import builders


def envelope(key: Ed25519PrivateKey, *, period_comment: bool = False, **fields: object) -> Envelope:
    """The builders' envelope with a report the workflow accepts: the trial balance only (the
    Swedish chart maps 1930 and 3041); `period_comment` gives it a comment (other content)."""
    built = builders.envelope(key, **fields)  # type: ignore[arg-type]
    comment = "corrected" if period_comment else None
    report = msgspec.structs.replace(builders.report(), lines=(), comment=comment)
    return msgspec.structs.replace(built, report=report)


SEPT = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)


async def _setup(hub: Hub, key: Ed25519PrivateKey, entity: str = "SE") -> str:
    """Registers the key for the entity; the network's current rule set."""
    async with hub.db.transaction() as connection:
        admin_id: int = await connection.fetchval(
            "insert into app_user (name, role) values ('ada', 'admin') returning id"
        )
        admin = Principal(admin_id, "ada", Role.ADMIN)
        await register_key(
            connection, admin, entity, keys.public_text(key.public_key()), SEPT, "node set up"
        )
        return await current_rule_set(hub, connection)


async def _send(
    hub: Hub, key: Ed25519PrivateKey, rule_set: str, *, sequence: int, entity: str
) -> tuple[str, Receipt]:
    sealed = seal(envelope(key, rule_set=rule_set, sequence=sequence, entity=entity), key)
    return sealed.hash, await receive(hub, open_envelope(sealed.data), NOW)


async def test_an_accepted_envelope_is_a_submitted_version_with_the_envelope_as_provenance(
    hub: Hub,
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set = await _setup(hub, key)
    sealed = seal(envelope(key, rule_set=rule_set), key)
    receipt = await receive(hub, open_envelope(sealed.data), NOW)
    assert (receipt.outcome, receipt.reasons, receipt.version, receipt.hash) == (
        "accepted",
        [],
        1,
        sealed.hash,
    )
    async with hub.db.pool.acquire() as connection:
        row = await connection.fetchrow(
            "select s.version, u.name as author, s.source, r.status, e.signed::text as signed "
            "from envelope e join submission s on s.id = e.submission_id "
            "join app_user u on u.id = s.author_id "
            "join report r on (r.entity_code, r.period, r.dataset) = "
            "(s.entity_code, s.period, s.dataset) where e.hash = $1",
            sealed.hash,
        )
        assert row is not None
        assert (row["version"], row["author"], row["status"]) == (1, "node-SE", "submitted")
        assert row["source"] == f"node envelope {sealed.hash[:16]}"
        # The stored envelope is the one signed: its canonical bytes give the same hash, and
        # the signature verifies with the registered key.
        assert hashlib.sha256(rfc8785.dumps(json.loads(row["signed"]))).hexdigest() == sealed.hash
        amounts = await connection.fetch(
            "select t.account_code as account, t.amount from tb_line t join submission s "
            "on s.id = t.submission_id where s.version = 1 order by t.account_code"
        )
        assert [(a["account"], str(a["amount"])) for a in amounts] == [
            ("1930", "412345.67"),
            ("3041", "-412345.67"),
        ]


async def test_the_same_envelope_twice_is_stored_once_with_the_same_answer(hub: Hub) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set = await _setup(hub, key)
    sealed = seal(envelope(key, rule_set=rule_set), key)
    first = await receive(hub, open_envelope(sealed.data), NOW)
    again = await receive(hub, open_envelope(sealed.data), NOW + dt.timedelta(hours=1))
    assert again == first
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from envelope") == 1
        assert await connection.fetchval("select count(*) from submission") == 1


async def test_refusals_are_stored_with_their_reasons_and_save_nothing(hub: Hub) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set = await _setup(hub, key)
    _, accepted = await _send(hub, key, rule_set, sequence=5, entity="SE")
    assert accepted.outcome == "accepted"
    fingerprint = keys.fingerprint(key.public_key())
    stranger = Ed25519PrivateKey.generate()
    stale = "f" * 64
    out_of_date = (
        f"rule set ffffffffffff… is out of date: the network's current one is "
        f"{rule_set[:12]}…; update the node's reference data and send again"
    )
    cases: list[tuple[int, str, str, Ed25519PrivateKey, list[str]]] = [
        (
            3,
            "SE",
            rule_set,
            key,
            ["sequence 3 was already accepted (last accepted: 5): a replay of an older envelope"],
        ),
        (6, "SE", stale, key, [out_of_date]),
        (
            6,
            "DE",
            rule_set,
            key,
            [
                # DE is reported centrally, and SE's key does not sign for it.
                "DE is reported centrally on the hub, not by a node: ask the hub's admin to "
                "switch it in network.toml",
                f"key {fingerprint} is registered for SE, not DE",
            ],
        ),
        (
            6,
            "SE",
            rule_set,
            stranger,
            [f"key {keys.fingerprint(stranger.public_key())} is not registered for SE"],
        ),
    ]
    for sequence, entity, used, signer, reasons in cases:
        _, receipt = await _send(hub, signer, used, sequence=sequence, entity=entity)
        assert (receipt.outcome, receipt.reasons, receipt.version) == ("refused", reasons, None)
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 1
        assert await connection.fetchval(
            "select count(*) from envelope where outcome = 'refused'"
        ) == len(cases)


async def test_a_tampered_envelope_is_refused_for_its_signature(hub: Hub) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set = await _setup(hub, key)
    sealed = seal(envelope(key, rule_set=rule_set), key)
    tampered = sealed.data.replace(b'"412345.67"', b'"912345.67"', 1)
    assert tampered != sealed.data
    receipt = await receive(hub, open_envelope(tampered), NOW)
    assert (receipt.outcome, receipt.reasons) == (
        "refused",
        [
            "the signature does not verify: the envelope was changed after signing, "
            "or signed with another key"
        ],
    )
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 0
