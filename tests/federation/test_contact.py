"""node_contact moves forward only, one row per entity."""

from __future__ import annotations

import datetime as dt

from hub.federation.contact import last_contacts, record_contact
from hub.services import Hub

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


async def test_contact_moves_forward_never_back(hub: Hub) -> None:
    async with hub.db.transaction() as connection:
        await record_contact(connection, "SE", T0, "envelope 1")
        await record_contact(connection, "SE", T0 + dt.timedelta(minutes=5), "status")
        await record_contact(connection, "SE", T0 + dt.timedelta(minutes=1), "envelope 2")
        contacts = await last_contacts(connection)
    assert contacts["SE"] == (T0 + dt.timedelta(minutes=5), "status")
    assert "DE" not in contacts
