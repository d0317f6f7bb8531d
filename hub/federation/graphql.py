"""GraphQL for admins: the register of node keys (hub/federation/register.py). Everyone else
gets FORBIDDEN; a refused input is a BAD_USER_INPUT error naming the field."""

from __future__ import annotations

import datetime as dt

import strawberry

from hub.api.errors import bad_input
from hub.auth.policy import Action, authorize
from hub.context import Info
from hub.federation import register
from hub.federation.register import NodeKeyError


@strawberry.type(description="A national node's public key, as the hub's admin registered it.")
class NodeKey:
    entity: str
    public_key: str = strawberry.field(description="base64url of the raw 32 bytes.")
    fingerprint: str = strawberry.field(description="What an envelope names; 16 hex digits.")
    valid_from: dt.datetime
    valid_to: dt.datetime | None = strawberry.field(
        description="None: open. From this moment on the key is refused."
    )
    registered_by: str
    registered_at: dt.datetime
    reason: str
    ended_by: str | None
    ended_at: dt.datetime | None
    end_reason: str | None


def _key(key: register.NodeKey) -> NodeKey:
    return NodeKey(
        entity=key.entity,
        public_key=key.public_key,
        fingerprint=key.fingerprint,
        valid_from=key.valid_from,
        valid_to=key.valid_to,
        registered_by=key.registered_by,
        registered_at=key.registered_at,
        reason=key.reason,
        ended_by=key.ended_by,
        ended_at=key.ended_at,
        end_reason=key.end_reason,
    )


@strawberry.type
class FederationQuery:
    @strawberry.field(
        name="nodeKeys",
        description="The node keys registered for an entity (all entities: none), with who "
        "registered or ended each, when and why. Admins only.",
    )
    async def node_keys(self, info: Info, entity: str | None = None) -> list[NodeKey]:
        authorize(info.context.caller, Action.MANAGE_NODE_KEYS)
        async with info.context.hub.db.pool.acquire() as connection:
            return [_key(k) for k in await register.node_keys(connection, entity)]


@strawberry.type
class FederationMutation:
    @strawberry.mutation(
        name="registerNodeKey",
        description="Register a national node's public key (as `hub node init` prints it), "
        "valid from `validFrom` (none: now). Admins only.",
    )
    async def register_node_key(
        self,
        info: Info,
        entity: str,
        public_key: str,
        reason: str,
        valid_from: dt.datetime | None = None,
    ) -> NodeKey:
        caller = info.context.caller
        authorize(caller, Action.MANAGE_NODE_KEYS)
        start = valid_from or dt.datetime.now(dt.UTC)
        try:
            async with info.context.hub.db.transaction() as connection:
                key = await register.register_key(
                    connection, caller, entity, public_key, start, reason
                )
        except NodeKeyError as error:
            raise bad_input(error.field, error.reason) from error
        return _key(key)

    @strawberry.mutation(
        name="endNodeKey",
        description="End a node key from `validTo` on (a rotation: after the new key's start, "
        "both work in between). Admins only.",
    )
    async def end_node_key(
        self, info: Info, fingerprint: str, valid_to: dt.datetime, reason: str
    ) -> NodeKey:
        caller = info.context.caller
        authorize(caller, Action.MANAGE_NODE_KEYS)
        try:
            async with info.context.hub.db.transaction() as connection:
                key = await register.end_key(connection, caller, fingerprint, valid_to, reason)
        except NodeKeyError as error:
            raise bad_input(error.field, error.reason) from error
        return _key(key)
