"""`POST /api/federation/envelopes` over HTTP with the real app and database: no bearer token,
the signature is the credential; accepted 200, the same envelope again 200 with the same
answer and stored once, refused 422 with its reason, a broken body 400 naming its place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import AsyncTestClient

from hub.auth.policy import Principal, Role
from hub.federation import keys
from hub.federation.envelope import seal
from hub.federation.register import end_key, register_key
from hub.federation.ruleset import current_rule_set
from hub.services import Hub
from tests.federation.test_receive import envelope

URL = "/api/federation/envelopes"


async def _registered(hub: Hub, key: Ed25519PrivateKey) -> str:
    """Set up through the test's own pool: the app serves from another event loop."""
    async with hub.db.transaction() as connection:
        admin_id: int = await connection.fetchval(
            "insert into app_user (name, role) values ('ada', 'admin') returning id"
        )
        await register_key(
            connection,
            Principal(admin_id, "ada", Role.ADMIN),
            "SE",
            keys.public_text(key.public_key()),
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "SE node set up",
        )
        return await current_rule_set(hub, connection)


async def test_an_envelope_is_accepted_once_and_a_retry_gets_the_same_answer(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set = await _registered(hub, key)
    sealed = seal(envelope(key, rule_set=rule_set), key)
    first = await client.post(URL, content=sealed.data)
    assert first.status_code == 200, first.text
    answer = first.json()
    assert (answer["outcome"], answer["version"], answer["hash"], answer["reasons"]) == (
        "accepted",
        1,
        sealed.hash,
        [],
    )
    again = await client.post(URL, content=sealed.data)
    assert (again.status_code, again.json()) == (200, answer)
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from envelope") == 1
        assert await connection.fetchval("select count(*) from submission") == 1


async def test_a_replayed_older_sequence_is_refused_with_its_reason(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set = await _registered(hub, key)
    assert (
        await client.post(URL, content=seal(envelope(key, rule_set=rule_set, sequence=4), key).data)
    ).status_code == 200
    older = seal(envelope(key, rule_set=rule_set, sequence=2), key)
    refused = await client.post(URL, content=older.data)
    assert refused.status_code == 422
    assert refused.json()["reasons"] == [
        "sequence 2 was already accepted (last accepted: 4): a replay of an older envelope"
    ]
    assert refused.json()["outcome"] == "refused"


async def test_a_body_that_is_not_an_envelope_is_refused_with_its_place_and_nothing_stored(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set = await _registered(hub, key)
    data = seal(envelope(key, rule_set=rule_set), key).data
    broken = data.replace(b'"sequence":1', b'"sequence":0')
    answer = await client.post(URL, content=broken)
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "not a signed envelope: $.envelope.sequence: Expected `int` >= 1"
    }
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from envelope") == 0


async def test_each_refusal_is_answered_422_with_the_reason_the_node_shows(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set = await _registered(hub, key)
    fingerprint = keys.fingerprint(key.public_key())
    stranger = Ed25519PrivateKey.generate()
    accepted = await client.post(URL, content=seal(envelope(key, rule_set=rule_set), key).data)
    assert accepted.status_code == 200
    good = seal(envelope(key, rule_set=rule_set, sequence=2), key).data
    tampered = (
        "the signature does not verify: the envelope was changed after signing, "
        "or signed with another key"
    )
    cases: list[tuple[bytes, list[str]]] = [
        (good.replace(b'"-412345.67"', b'"-412345.66"', 1), [tampered]),
        (
            seal(envelope(stranger, rule_set=rule_set, sequence=2), stranger).data,
            [f"key {keys.fingerprint(stranger.public_key())} is not registered for SE"],
        ),
        (
            seal(envelope(key, rule_set=rule_set, sequence=2, entity="DE"), key).data,
            [
                # DE is reported centrally, and SE's key does not sign for it.
                "DE is reported centrally on the hub, not by a node: ask the hub's admin to "
                "switch it in network.toml",
                f"key {fingerprint} is registered for SE, not DE",
            ],
        ),
        (
            # Sequence 1 again with other content: a new envelope, not the stored one.
            seal(envelope(key, rule_set=rule_set, sequence=1, period_comment=True), key).data,
            [
                "sequence 1 was already accepted (last accepted: 1) with another envelope: "
                "a new envelope needs a sequence above 1"
            ],
        ),
        (
            seal(envelope(key, rule_set="0" * 64, sequence=2), key).data,
            [
                f"rule set 000000000000… is out of date: the network's current one is "
                f"{rule_set[:12]}…; update the node's reference data and send again"
            ],
        ),
    ]
    for body, reasons in cases:
        answer = await client.post(URL, content=body)
        assert answer.status_code == 422, answer.text
        assert (answer.json()["outcome"], answer.json()["reasons"]) == ("refused", reasons)
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 1
        assert await connection.fetchval(
            "select count(*) from envelope where outcome = 'refused'"
        ) == len(cases)


async def test_an_old_key_is_refused_after_its_end_and_the_new_one_accepted(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    rule_set = await _registered(hub, old)
    now = dt.datetime.now(dt.UTC)
    async with hub.db.transaction() as connection:
        admin = Principal(
            await connection.fetchval("select id from app_user where name = 'ada'"),
            "ada",
            Role.ADMIN,
        )
        await register_key(
            connection, admin, "SE", keys.public_text(new.public_key()), now, "rotation"
        )
        await end_key(connection, admin, keys.fingerprint(old.public_key()), now, "rotation done")
    refused = await client.post(URL, content=seal(envelope(old, rule_set=rule_set), old).data)
    assert refused.status_code == 422
    assert refused.json()["reasons"] == [
        f"key {keys.fingerprint(old.public_key())} expired on {now.date().isoformat()}"
    ]
    accepted = await client.post(URL, content=seal(envelope(new, rule_set=rule_set), new).data)
    assert (accepted.status_code, accepted.json()["version"]) == (200, 1)
