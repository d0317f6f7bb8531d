"""The key register over GraphQL with the real app: admins register, list and end node keys;
everyone else is refused; a bad input names its field."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import AsyncTestClient

from hub.federation import keys
from tests.api.graphql_client import data, error_messages, gql

REGISTER = """mutation ($key: String!) {
  registerNodeKey(entity: "SE", publicKey: $key, validFrom: "2026-09-01T00:00:00Z",
                  reason: "SE node set up") {
    entity fingerprint validFrom validTo registeredBy reason
  }
}"""
END = """mutation ($fingerprint: String!) {
  endNodeKey(fingerprint: $fingerprint, validTo: "2026-10-15T00:00:00Z", reason: "rotated") {
    fingerprint validTo endedBy endReason
  }
}"""
LIST = '{ nodeKeys(entity: "SE") { fingerprint validTo } }'


async def test_an_admin_registers_lists_and_ends_a_node_key(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    key = Ed25519PrivateKey.generate()
    fingerprint = keys.fingerprint(key.public_key())
    registered = data(
        await gql(client, tokens["admin"], REGISTER, key=keys.public_text(key.public_key()))
    )["registerNodeKey"]
    assert registered == {
        "entity": "SE",
        "fingerprint": fingerprint,
        "validFrom": "2026-09-01T00:00:00+00:00",
        "validTo": None,
        "registeredBy": "admin",
        "reason": "SE node set up",
    }
    ended = data(await gql(client, tokens["admin"], END, fingerprint=fingerprint))["endNodeKey"]
    assert ended == {
        "fingerprint": fingerprint,
        "validTo": "2026-10-15T00:00:00+00:00",
        "endedBy": "admin",
        "endReason": "rotated",
    }
    assert data(await gql(client, tokens["admin"], LIST))["nodeKeys"] == [
        {"fingerprint": fingerprint, "validTo": "2026-10-15T00:00:00+00:00"}
    ]


async def test_only_admins_touch_the_register_and_a_bad_key_names_its_field(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    text = keys.public_text(Ed25519PrivateKey.generate().public_key())
    for who in ("finance", "board", "national-se"):
        body = await gql(client, tokens[who], REGISTER, key=text)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", who
        assert (await gql(client, tokens[who], LIST))["errors"][0]["extensions"]["code"] == (
            "FORBIDDEN"
        )
    body = await gql(client, tokens["admin"], REGISTER, key="nonsense")
    assert error_messages(body) == [
        "publicKey: 'nonsense' is not an Ed25519 public key: expected 43 characters of "
        "base64url (the 32 raw bytes), as `hub node init` prints it"
    ]
    assert data(await gql(client, tokens["admin"], LIST))["nodeKeys"] == []
