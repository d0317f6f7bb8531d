"""The key register on a real PostgreSQL: registering, the node user, refusals naming the input,
ending a key for a rotation with an overlap, and acceptance judged with the registered keys."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.auth.policy import Principal, Role
from hub.federation import keys
from hub.federation.acceptance import Received, decide
from hub.federation.register import NodeKeyError, end_key, node_keys, register_key
from hub.services import Hub
from tests.federation.builders import RULE_SET, signed_envelope

SEPT = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
OCT = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


async def _admin(hub: Hub) -> Principal:
    async with hub.db.pool.acquire() as connection:
        user_id: int = await connection.fetchval(
            "insert into app_user (name, role) values ('ada', 'admin') returning id"
        )
    return Principal(user_id, "ada", Role.ADMIN)


async def test_a_registered_key_is_listed_with_who_and_why_and_makes_the_node_user(
    hub: Hub,
) -> None:
    admin = await _admin(hub)
    key = Ed25519PrivateKey.generate()
    text = keys.public_text(key.public_key())
    async with hub.db.transaction() as connection:
        registered = await register_key(connection, admin, "SE", text, SEPT, "SE node set up")
    assert registered.fingerprint == keys.fingerprint(key.public_key())
    assert (registered.entity, registered.public_key, registered.valid_from) == ("SE", text, SEPT)
    assert (registered.registered_by, registered.reason, registered.valid_to) == (
        "ada",
        "SE node set up",
        None,
    )
    async with hub.db.pool.acquire() as connection:
        node_user = await connection.fetchrow(
            "select role, entity_code, password_hash from app_user where name = 'node-SE'"
        )
        assert node_user is not None
        assert dict(node_user) == {"role": "national", "entity_code": "SE", "password_hash": None}
        assert (
            await connection.fetchval(
                "select count(*) from api_token t join app_user u "
                "on u.id = t.user_id where u.name = 'node-SE'"
            )
            == 0
        )
        assert (
            await connection.fetchval(
                "select detail from user_audit a join app_user u on u.id = a.user_id "
                "where u.name = 'node-SE' and a.action = 'create user'"
            )
            == "node user of SE, for the report versions of its signed envelopes"
        )
        assert [k.fingerprint for k in await node_keys(connection, "SE")] == [
            registered.fingerprint
        ]
        assert await node_keys(connection, "DE") == []


@pytest.mark.parametrize(
    ("entity", "public_key", "valid_from", "reason", "field", "message"),
    [
        (
            "SE",
            "not-a-key",
            SEPT,
            "x",
            "publicKey",
            "'not-a-key' is not an Ed25519 public key: expected 43 characters of base64url "
            "(the 32 raw bytes), as `hub node init` prints it",
        ),
        ("XX", None, SEPT, "x", "entity", "'XX' is not an entity of the network"),
        (
            "SE",
            None,
            SEPT,
            "  ",
            "reason",
            "say why: the register keeps the reason of every change",
        ),
        (
            "SE",
            None,
            dt.datetime(2026, 9, 1),
            "x",
            "validFrom",
            "give the time with its time zone, e.g. 2026-12-01T00:00:00Z",
        ),
    ],
)
async def test_a_bad_registration_names_the_input_and_stores_nothing(
    hub: Hub,
    entity: str,
    public_key: str | None,
    valid_from: dt.datetime,
    reason: str,
    field: str,
    message: str,
) -> None:
    admin = await _admin(hub)
    text = public_key or keys.public_text(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(NodeKeyError) as raised:
        async with hub.db.transaction() as connection:
            await register_key(connection, admin, entity, text, valid_from, reason)
    assert (raised.value.field, raised.value.reason) == (field, message)
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from node_key") == 0
        assert (
            await connection.fetchval("select count(*) from app_user where name like 'node-%'") == 0
        )


async def test_the_same_key_cannot_be_registered_twice_even_for_another_entity(hub: Hub) -> None:
    admin = await _admin(hub)
    key = Ed25519PrivateKey.generate()
    text = keys.public_text(key.public_key())
    async with hub.db.transaction() as connection:
        first = await register_key(connection, admin, "SE", text, SEPT, "SE node")
    with pytest.raises(NodeKeyError) as raised:
        async with hub.db.transaction() as connection:
            await register_key(connection, admin, "DE", text, SEPT, "copy")
    assert raised.value.reason == (
        f"key {first.fingerprint} is already registered for SE: a node makes a new key for a "
        "rotation"
    )


async def test_a_rotation_accepts_both_keys_in_the_overlap_and_only_the_new_one_after(
    hub: Hub,
) -> None:
    admin = await _admin(hub)
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    async with hub.db.transaction() as connection:
        first = await register_key(
            connection, admin, "SE", keys.public_text(old.public_key()), SEPT, "SE node"
        )
        await register_key(
            connection, admin, "SE", keys.public_text(new.public_key()), OCT, "rotation"
        )
        ended = await end_key(
            connection, admin, first.fingerprint, OCT + dt.timedelta(days=14), "rotation done"
        )
    assert (ended.valid_to, ended.ended_by, ended.end_reason) == (
        dt.datetime(2026, 10, 15, tzinfo=dt.UTC),
        "ada",
        "rotation done",
    )
    async with hub.db.pool.acquire() as connection:
        registered = [k.registered() for k in await node_keys(connection)]

    def reasons(key: Ed25519PrivateKey, at: dt.datetime) -> list[str]:
        return decide(Received(signed_envelope(key), registered, None, RULE_SET, at)).reasons

    overlap = dt.datetime(2026, 10, 10, tzinfo=dt.UTC)
    after = dt.datetime(2026, 10, 20, tzinfo=dt.UTC)
    assert reasons(old, overlap) == []
    assert reasons(new, overlap) == []
    assert reasons(old, after) == [f"key {first.fingerprint} expired on 2026-10-15"]
    assert reasons(new, after) == []


async def test_an_end_before_the_start_or_of_an_unknown_key_is_refused(hub: Hub) -> None:
    admin = await _admin(hub)
    key = Ed25519PrivateKey.generate()
    async with hub.db.transaction() as connection:
        first = await register_key(
            connection, admin, "SE", keys.public_text(key.public_key()), OCT, "SE node"
        )
    for fingerprint, valid_to, field, message in (
        ("0123456789abcdef", OCT, "fingerprint", "no key 0123456789abcdef is registered"),
        (
            first.fingerprint,
            SEPT,
            "validTo",
            "2026-09-01T00:00:00+00:00 is not after the key's start 2026-10-01T00:00:00+00:00",
        ),
    ):
        with pytest.raises(NodeKeyError) as raised:
            async with hub.db.transaction() as connection:
                await end_key(connection, admin, fingerprint, valid_to, "x")
        assert (raised.value.field, raised.value.reason) == (field, message)
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from node_key_end") == 0
