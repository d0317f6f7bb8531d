"""Placers kept between requests (hub/mappings/cache.py): reused while the rules stand, rebuilt
as soon as a rule is added, by this hub or by another process on the same database."""

from __future__ import annotations

from hub.auth.policy import Role
from hub.auth.users import principal_for_token, upsert_user
from hub.mappings import service as mappings
from hub.services import Hub, open_hub
from hub.settings import Settings


async def where(hub: Hub, account: str, period: str) -> str | None:
    async with hub.db.pool.acquire() as connection:
        placer = await mappings.placer(hub, connection, "SE", period)
    placed = placer.place(account)
    assert placed is not None
    return placed.line


async def test_a_rule_added_by_another_process_is_used_at_once(
    hub: Hub, settings: Settings, database_url: str
) -> None:
    assert await where(hub, "1910", "2024") == "BS.A.CA.IX"  # cash, as seeded
    async with hub.db.pool.acquire() as connection:
        kept = await mappings.placer(hub, connection, "SE", "2024")
        assert await mappings.placer(hub, connection, "SE", "2024") is kept  # nothing changed

    # Another worker (its own pool) maps the account to receivables from 2024 on.
    async with open_hub(settings, database_url, pool_size=1) as other:
        async with other.db.transaction() as connection:
            token = await upsert_user(connection, "finance", Role.FINANCE, None)
            finance = await principal_for_token(connection, token)
        assert finance is not None
        await mappings.map_accounts(
            other,
            finance,
            mappings.MapIn(
                entity="SE",
                line="BS.A.CA.VII.A",
                effective_from="2024",
                reason="the cash pool is a claim on Belgium",
                accounts=("1910",),
            ),
        )

    assert await where(hub, "1910", "2024") == "BS.A.CA.VII.A"
    assert await where(hub, "1910", "2023") == "BS.A.CA.IX"  # before the rule's start
    assert await where(hub, "1930", "2024") == "BS.A.CA.IX"  # another cash account


async def test_a_rule_written_in_a_transaction_rolled_back_is_forgotten(hub: Hub) -> None:
    async with hub.db.pool.acquire() as connection:
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute(
            "insert into account_mapping (entity_code, kind, first_account, last_account,"
            " line_code, starts_on, reason) values ('SE', 'account', '1910', '1910',"
            " 'BS.A.CA.VII.A', '1900-01-01', 'seeded')"
        )
        inside = await mappings.placer(hub, connection, "SE", "2024")
        assert inside.place("1910").line == "BS.A.CA.VII.A"  # type: ignore[union-attr]
        await transaction.rollback()
    assert await where(hub, "1910", "2024") == "BS.A.CA.IX"
