"""Importing the ECB file, overriding rates and looking them up, on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from hub.auth.policy import AccessDenied, Principal
from hub.fx import repository, service
from hub.fx.demo import load_demo_rates
from hub.fx.ecb import EcbFormatError
from hub.fx.model import ImportSummary, RateKey, RateType
from hub.fx.service import MissingRate, RateInputError
from hub.services import Hub

CLOSING_SEK_2024 = RateKey.closing("SEK", "2024")


async def count(hub: Hub, table: str) -> int:
    async with hub.db.pool.acquire() as connection:
        found: int = await connection.fetchval(f"select count(*) from {table}")
    return found


async def override(hub: Hub, principal: Principal, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "currency": "SEK",
        "rate_type": RateType.CLOSING,
        "period": "2024",
        "entity": None,
        "line": None,
        "rate": Decimal("11.5"),
        "reason": "the rate agreed with the auditors",
    }
    values.update(changes)
    return await service.override_rate(hub, principal, **values)


# --- import ------------------------------------------------------------------------------------


async def test_the_import_stores_the_daily_rates_and_the_period_rates(
    hub: Hub, ecb_excerpt: bytes, principals: dict[str, Principal]
) -> None:
    summary = await service.import_ecb(hub, ecb_excerpt, principals["finance"].user_id)
    assert summary == ImportSummary(
        days=568,
        first_day=dt.date(2012, 12, 3),
        last_day=dt.date(2025, 1, 24),
        currencies=summary.currencies,
        daily_rates=17_118,
        daily_added=17_118,
        daily_differing=0,
        derived=3_406,
        added=3_406,
        unchanged=0,
        kept_overrides=0,
    )
    assert len(summary.currencies) == 34
    assert {"SEK", "USD", "HRK", "RUB"} <= set(summary.currencies)
    assert "CYP" not in summary.currencies
    assert await count(hub, "fx_daily") == 17_118
    assert await count(hub, "fx_rate") == 3_406
    async with hub.db.pool.acquire() as connection:
        daily = await repository.daily_rates(
            connection, "SEK", dt.date(2023, 12, 28), dt.date(2024, 1, 2)
        )
    assert [(d.day, d.rate) for d in daily] == [
        (dt.date(2023, 12, 28), Decimal("11.0382")),
        (dt.date(2023, 12, 29), Decimal("11.096")),
        (dt.date(2024, 1, 2), Decimal("11.1545")),
    ]

    [closing] = await service.rate_history(hub, CLOSING_SEK_2024)
    assert (closing.rate, closing.source, closing.reason, closing.created_by) == (
        Decimal("11.459"),
        "ECB",
        "ECB rate of 2024-12-31",
        "finance",
    )
    assert await service.require_rates(
        hub,
        [
            RateKey.average("SEK", "2023"),
            RateKey.closing("SEK", "2023"),
            RateKey.average("SEK", "2024"),
            CLOSING_SEK_2024,
        ],
    ) == {
        RateKey.average("SEK", "2023"): Decimal("11.4788"),
        RateKey.closing("SEK", "2023"): Decimal("11.096"),
        RateKey.average("SEK", "2024"): Decimal("11.4325"),
        CLOSING_SEK_2024: Decimal("11.459"),
    }


async def test_importing_the_same_file_again_adds_nothing(hub: Hub, ecb_excerpt: bytes) -> None:
    await service.import_ecb(hub, ecb_excerpt, None)
    again = await service.import_ecb(hub, ecb_excerpt.decode().splitlines(), None)
    assert (again.daily_added, again.daily_differing) == (0, 0)
    assert (again.derived, again.added, again.unchanged, again.kept_overrides) == (
        3_406,
        0,
        3_406,
        0,
    )
    assert await count(hub, "fx_daily") == 17_118
    assert await count(hub, "fx_rate") == 3_406
    [closing] = await service.rate_history(hub, CLOSING_SEK_2024)
    assert closing.created_by is None


async def test_a_revised_file_adds_the_period_rates_that_changed(
    hub: Hub, ecb_excerpt: bytes
) -> None:
    await service.import_ecb(hub, ecb_excerpt, None)
    revised = ecb_excerpt.replace(b",11.459,N/A,N/A,0.9412,", b",11.469,N/A,N/A,0.9412,")
    assert revised.count(b",11.469,") == 1  # 2024-12-31
    summary = await service.import_ecb(hub, revised, None)
    # The daily rate stored first stays (and is counted); the period rates follow the file:
    # the closing rates of 2024, its Q4 and December, the opening rates of 2025, its Q1 and
    # January, and the three averages (the year's moves by 0.01 / 256).
    assert (summary.daily_added, summary.daily_differing) == (0, 1)
    assert (summary.added, summary.unchanged) == (9, 3_397)
    history = await service.rate_history(hub, CLOSING_SEK_2024)
    assert [(r.rate, r.reason) for r in history] == [
        (Decimal("11.459"), "ECB rate of 2024-12-31"),
        (Decimal("11.469"), "ECB rate of 2024-12-31"),
    ]
    rates = await service.rates_for(
        hub, [RateKey.opening("SEK", "2025-01"), RateKey.average("SEK", "2024")]
    )
    assert rates == {
        RateKey.opening("SEK", "2025-01"): Decimal("11.469"),
        RateKey.average("SEK", "2024"): Decimal("11.4326"),
    }


async def test_the_demo_loads_the_excerpt_once(hub: Hub) -> None:
    first = await load_demo_rates(hub)
    again = await load_demo_rates(hub)
    assert (first.added, again.added, again.unchanged) == (3_406, 0, 3_406)
    [average] = await service.rate_history(hub, RateKey.average("SEK", "2023"))
    assert (average.rate, average.source) == (
        Decimal("11.4788"),
        "ECB (eurofxref-hist-excerpt.csv)",
    )


async def test_a_malformed_file_stores_nothing(hub: Hub, ecb_excerpt: bytes) -> None:
    lines = ecb_excerpt.decode().splitlines()
    lines[2] = lines[2].replace("11.4685", "11,4685")
    with pytest.raises(EcbFormatError) as raised:
        await service.import_ecb(hub, lines, None)
    assert str(raised.value) == "line 3: 43 values where the header has 42 columns"
    lines[2] = lines[2].replace("11,4685", "abc")
    with pytest.raises(EcbFormatError) as raised:
        await service.import_ecb(hub, lines, None)
    assert str(raised.value) == "line 3: 'abc' is not a rate for SEK"
    assert await count(hub, "fx_daily") == 0
    assert await count(hub, "fx_rate") == 0


async def test_only_finance_imports_through_the_api(
    hub: Hub, ecb_excerpt: bytes, principals: dict[str, Principal]
) -> None:
    for name, role in (("national-se", "national"), ("board", "board"), ("admin", "admin")):
        with pytest.raises(AccessDenied) as raised:
            await service.import_ecb_as(hub, principals[name], ecb_excerpt)
        assert str(raised.value) == f"the {role} role may not import or override exchange rates"
    assert await count(hub, "fx_rate") == 0
    summary = await service.import_ecb_as(hub, principals["finance"], ecb_excerpt)
    assert summary.added == 3_406


# --- overrides ---------------------------------------------------------------------------------


async def test_the_newest_override_wins_and_the_older_rates_stay_in_the_history(
    hub: Hub, ecb_excerpt: bytes, principals: dict[str, Principal]
) -> None:
    await service.import_ecb(hub, ecb_excerpt, None)
    before = dt.datetime.now(dt.UTC)
    first = await override(hub, principals["finance"])
    assert (first.rate, first.source, first.reason, first.created_by) == (
        Decimal("11.5"),
        "manual",
        "the rate agreed with the auditors",
        "finance",
    )
    assert first.created_at >= before - dt.timedelta(seconds=5)
    second = await override(
        hub, principals["finance"], rate=Decimal("11.48"), reason="  corrected: typo  "
    )
    assert second.id > first.id
    assert await service.require_rate(hub, CLOSING_SEK_2024) == Decimal("11.48")
    history = await service.rate_history(hub, CLOSING_SEK_2024)
    assert [(r.rate, r.source, r.reason, r.created_by) for r in history] == [
        (Decimal("11.459"), "ECB", "ECB rate of 2024-12-31", None),
        (Decimal("11.5"), "manual", "the rate agreed with the auditors", "finance"),
        (Decimal("11.48"), "manual", "corrected: typo", "finance"),
    ]
    assert history[1].created_at <= history[2].created_at
    # The other rates of the year are the ECB's still.
    assert await service.require_rate(hub, RateKey.average("SEK", "2024")) == Decimal("11.4325")


async def test_an_import_leaves_a_rate_entered_by_hand_alone(
    hub: Hub, ecb_excerpt: bytes, principals: dict[str, Principal]
) -> None:
    await service.import_ecb(hub, ecb_excerpt, None)
    await override(hub, principals["finance"])
    summary = await service.import_ecb(hub, ecb_excerpt, None)
    assert (summary.added, summary.unchanged, summary.kept_overrides) == (0, 3_405, 1)
    assert await service.require_rate(hub, CLOSING_SEK_2024) == Decimal("11.5")
    assert await count(hub, "fx_rate") == 3_407


async def test_a_rate_entered_before_the_import_stays_effective(
    hub: Hub, ecb_excerpt: bytes, principals: dict[str, Principal]
) -> None:
    stored = await override(hub, principals["finance"], period=" 2024-03 ", rate=Decimal("11.6"))
    assert stored.period == "2024-03"
    summary = await service.import_ecb(hub, ecb_excerpt, None)
    assert (summary.added, summary.unchanged, summary.kept_overrides) == (3_405, 0, 1)
    history = await service.rate_history(hub, RateKey.closing("SEK", "2024-03"))
    assert [(r.rate, r.source) for r in history] == [(Decimal("11.6"), "manual")]


async def test_historical_rates_belong_to_an_entity_and_optionally_a_line(
    hub: Hub, principals: dict[str, Principal]
) -> None:
    finance = principals["finance"]
    whole = await override(
        hub,
        finance,
        rate_type=RateType.HISTORICAL,
        period=None,
        entity="SE",
        rate=Decimal("9.2"),
        reason="rate of the capital contribution, 2013",
    )
    line = await override(
        hub,
        finance,
        rate_type=RateType.HISTORICAL,
        period=None,
        entity="SE",
        line="BS.L.EQ.I",
        rate=Decimal("9.35"),
        reason="capital increase of 2015",
    )
    assert (whole.entity, whole.line, line.line) == ("SE", None, "BS.L.EQ.I")
    assert await service.historical_rates(hub, ["SE", "BE"]) == {
        RateKey.historical("SEK", "SE"): Decimal("9.2"),
        RateKey.historical("SEK", "SE", "BS.L.EQ.I"): Decimal("9.35"),
    }
    assert await service.require_rate(hub, RateKey.historical("SEK", "SE")) == Decimal("9.2")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"currency": "sek"},
            "currency: 'sek' is not a currency code: expected 3 upper-case letters",
        ),
        (
            {"currency": "SEKR"},
            "currency: 'SEKR' is not a currency code: expected 3 upper-case letters",
        ),
        ({"currency": "EUR"}, "currency: EUR is the group currency: its rate is 1 by definition"),
        ({"rate": Decimal(0)}, "rate: 0 is not a rate: expected a number greater than 0"),
        ({"rate": Decimal("-11.5")}, "rate: -11.5 is not a rate: expected a number greater than 0"),
        ({"rate": Decimal("NaN")}, "rate: NaN is not a rate: expected a number greater than 0"),
        (
            {"rate": Decimal("Infinity")},
            "rate: Infinity is not a rate: expected a number greater than 0",
        ),
        ({"reason": None}, "reason: say why the rate is entered or changed"),
        ({"reason": "   "}, "reason: say why the rate is entered or changed"),
        ({"period": "2024-13"}, "period: '2024-13': month must be 01 to 12"),
        (
            {"period": "FY24"},
            "period: 'FY24' is not a period: expected YYYY, YYYY-Qn or YYYY-MM "
            "(e.g. 2024, 2024-Q3, 2024-09)",
        ),
        ({"period": None}, "period: closing rates are per period: name one"),
        (
            {"rate_type": RateType.AVERAGE, "period": " "},
            "period: average rates are per period: name one",
        ),
        ({"entity": "SE"}, "entity: closing rates are the same for every entity: leave it out"),
        (
            {"rate_type": RateType.OPENING, "line": "BS.L.EQ.I"},
            "line: opening rates are the same for every line: leave it out",
        ),
        (
            {"rate_type": RateType.HISTORICAL},
            "entity: historical rates belong to an entity: name it",
        ),
        (
            {"rate_type": RateType.HISTORICAL, "entity": "XX"},
            "entity: unknown entity 'XX'; known entities: AT, BE, DE, IT, SE",
        ),
        (
            {"rate_type": RateType.HISTORICAL, "entity": "SE", "currency": "NOK"},
            "currency: SE reports in SEK, not in NOK",
        ),
        (
            {"rate_type": RateType.HISTORICAL, "entity": "SE", "line": "BS.X"},
            "line: 'BS.X' is not a line of the group chart",
        ),
    ],
)
async def test_an_invalid_override_names_the_field_and_stores_nothing(
    hub: Hub, principals: dict[str, Principal], changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(RateInputError) as raised:
        await override(hub, principals["finance"], **changes)
    assert str(raised.value) == message
    assert raised.value.field == message.split(":", 1)[0]
    assert await count(hub, "fx_rate") == 0


async def test_only_finance_overrides_rates(hub: Hub, principals: dict[str, Principal]) -> None:
    with pytest.raises(AccessDenied) as raised:
        await override(hub, principals["national-se"])
    assert str(raised.value) == "the national role may not import or override exchange rates"
    with pytest.raises(AccessDenied) as raised:
        await override(hub, principals["board"], rate=Decimal(0))  # refused before it is checked
    assert str(raised.value) == "the board role may not import or override exchange rates"
    assert await count(hub, "fx_rate") == 0


# --- look-ups ----------------------------------------------------------------------------------


async def test_a_missing_rate_is_an_error_that_names_it(hub: Hub) -> None:
    with pytest.raises(MissingRate) as raised:
        await service.require_rate(hub, CLOSING_SEK_2024)
    assert str(raised.value) == (
        "no closing rate for SEK in 2024: import the ECB rates or enter one"
    )
    with pytest.raises(MissingRate) as raised:
        await service.require_rates(
            hub,
            [
                RateKey.average("SEK", "2024-Q3"),
                RateKey.closing("EUR", "2024"),
                RateKey.historical("SEK", "SE", "BS.L.EQ.I"),
            ],
        )
    assert str(raised.value) == (
        "no average rate for SEK in 2024-Q3: import the ECB rates or enter one; "
        "no historical rate for SEK of SE line BS.L.EQ.I: enter one"
    )
    assert raised.value.keys == (
        RateKey.average("SEK", "2024-Q3"),
        RateKey.historical("SEK", "SE", "BS.L.EQ.I"),
    )
    assert await service.rates_for(hub, [CLOSING_SEK_2024]) == {}


async def test_the_group_currency_against_itself_is_exactly_one_without_asking_the_database(
    hub: Hub,
) -> None:
    keys = [
        RateKey.closing("EUR", "2024"),
        RateKey.average("EUR", "2024-Q3"),
        RateKey.opening("EUR", "2023"),
        RateKey.historical("EUR", "BE"),
    ]
    statements = hub.db.statements
    rates = await service.require_rates(hub, keys)
    assert rates == dict.fromkeys(keys, Decimal(1))
    assert {str(rate) for rate in rates.values()} == {"1"}
    assert hub.db.statements == statements


async def test_the_rates_of_a_consolidation_cost_what_one_rate_costs(
    hub: Hub, ecb_excerpt: bytes
) -> None:
    await service.import_ecb(hub, ecb_excerpt, None)
    currencies = ["SEK", "USD", "GBP", "CHF", "NOK", "DKK", "PLN", "CZK", "HUF", "JPY", "EUR"]
    keys = [
        make(currency, period)
        for currency in currencies
        for period in ("2023", "2024")
        for make in (RateKey.closing, RateKey.average)
    ] + [RateKey.opening("SEK", "2024")] * 3

    async def statements(wanted: list[RateKey]) -> tuple[int, dict[RateKey, Decimal]]:
        before = hub.db.statements
        found = await service.require_rates(hub, wanted)
        return hub.db.statements - before, found

    await statements(keys[:1])  # warm-up: asyncpg introspects types once
    one, _ = await statements(keys[:1])
    many, rates = await statements(keys)
    assert many == one
    assert len(rates) == 45
    assert rates[RateKey.closing("USD", "2024")] == Decimal("1.0389")
    assert rates[RateKey.average("EUR", "2024")] == Decimal(1)


async def test_the_effective_rates_by_filter(
    hub: Hub, ecb_excerpt: bytes, principals: dict[str, Principal]
) -> None:
    await service.import_ecb(hub, ecb_excerpt, None)
    await override(hub, principals["finance"])
    rows = await service.exchange_rates(hub, currencies=["SEK"], periods=["2024"])
    assert [(r.type, r.rate, r.source) for r in rows] == [
        (RateType.AVERAGE, Decimal("11.4325"), "ECB"),
        (RateType.CLOSING, Decimal("11.5"), "manual"),
        (RateType.OPENING, Decimal("11.096"), "ECB"),
    ]
    closings = await service.exchange_rates(
        hub, currencies=["SEK", "USD"], periods=["2023"], types=[RateType.CLOSING]
    )
    assert [(r.currency, r.rate) for r in closings] == [
        ("SEK", Decimal("11.096")),
        ("USD", Decimal("1.105")),
    ]


async def test_rates_are_append_only(hub: Hub, ecb_excerpt: bytes) -> None:
    await service.import_ecb(hub, ecb_excerpt, None)
    async with hub.db.pool.acquire() as connection:
        for statement in (
            "update fx_rate set rate = 1",
            "delete from fx_rate",
            "update fx_daily set rate = 1",
            "delete from fx_daily",
        ):
            with pytest.raises(asyncpg.RestrictViolationError) as raised:
                await connection.execute(statement)
            assert "reported figures are append-only" in str(raised.value)
        for statement in (
            "insert into fx_rate (currency, rate_type, period, rate, source) "
            "values ('SEK', 'closing', '2024', 'NaN', 'x')",
            "insert into fx_rate (currency, rate_type, period, rate, source) "
            "values ('SEK', 'closing', '2024', 0, 'x')",
            "insert into fx_rate (currency, rate_type, rate, source) "
            "values ('SEK', 'closing', 1, 'x')",
            "insert into fx_rate (currency, rate_type, period, entity, rate, source) "
            "values ('SEK', 'average', '2024', 'SE', 1, 'x')",
            "insert into fx_rate (currency, rate_type, rate, source) "
            "values ('SEK', 'historical', 1, 'x')",
        ):
            with pytest.raises(asyncpg.CheckViolationError):
                await connection.execute(statement)
