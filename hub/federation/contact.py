"""When each entity's node last reached the hub: moved forward by everything the hub could
verify came from that entity's node (a signed envelope, a signed request). Anything unsigned or
signed with another entity's key is not contact: nobody can make an entity look alive."""

from __future__ import annotations

import datetime as dt

from hub.db.pool import Connection


async def record_contact(connection: Connection, entity: str, at: dt.datetime, what: str) -> None:
    """`what`: the contact in a few words ("envelope 3", "reference data", "status")."""
    await connection.execute(
        "insert into node_contact (entity_code, contacted_at, what) values ($1, $2, $3) "
        "on conflict (entity_code) do update set contacted_at = excluded.contacted_at, "
        "what = excluded.what where node_contact.contacted_at <= excluded.contacted_at",
        entity,
        at,
        what,
    )


async def last_contacts(connection: Connection) -> dict[str, tuple[dt.datetime, str]]:
    """Each entity's last contact: its time and what it was."""
    rows = await connection.fetch("select entity_code, contacted_at, what from node_contact")
    return {row["entity_code"]: (row["contacted_at"], row["what"]) for row in rows}
