"""The demo consolidates: 2024 open with every check ok, 2023 signed off and served from its run,
the intra-network FX and booking differences, and the figures docs/demo.md and
docs/consolidation.md show. Everything is asked over GraphQL as finance (or a national team),
after `load_demo` as `hub demo` runs it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.testing import AsyncTestClient

from hub.demo.load import load_demo
from hub.services import Hub
from tests.api.graphql_client import data, error_messages, gql

STATEMENTS = """
query ($period: String!) {
  consolidation(period: $period) {
    scope locked digest priorAvailable warnings
    checks { name ok difference }
    signOff { runId digest lockedBy reason }
    lines { line total values { column amount } }
    eliminations { kind line amount entity partner }
    differences { entity partner statement lines amount cause fx booking transactionCurrency
                  bookingInTransactionCurrency beyondTolerance }
    translations { entity closingRate averageRate translationReserve reserveOpening
                   reserveMovement openingSource }
    goodwill { subsidiary currency local closing atAcquisition translation }
    netResultNonControlling netResultGroup
  }
}"""


async def _consolidation(client: AsyncTestClient[Any], token: str, period: str) -> dict[str, Any]:
    found: dict[str, Any] = data(await gql(client, token, STATEMENTS, period=period))[
        "consolidation"
    ]
    return found


def _totals(statements: dict[str, Any]) -> dict[str, Decimal]:
    return {line["line"]: Decimal(line["total"]) for line in statements["lines"]}


async def test_the_demo_consolidates_2024_with_every_check_ok(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    """Before, every period answered that no entity had a trial balance."""
    loaded = await load_demo(hub)
    statements = await _consolidation(client, loaded.tokens["finance"], "2024")
    assert statements["scope"] == ["BE", "DE", "AT", "IT", "SE"]
    assert statements["locked"] is False
    assert statements["warnings"] == []
    assert statements["checks"] == [
        {"name": "assets = liabilities + equity", "ok": True, "difference": "0.00"},
        {"name": "entities + eliminations + adjustments = total", "ok": True, "difference": "0.00"},
    ]
    # The comparatives are 2023 as signed off; Sweden's equity opens from that run.
    assert statements["priorAvailable"] is True
    [sweden] = statements["translations"]
    assert sweden["openingSource"] == "the locked 2023 consolidation"
    # The translation reserve rolls forward to the cent.
    assert Decimal(sweden["reserveOpening"]) + Decimal(sweden["reserveMovement"]) == Decimal(
        sweden["translationReserve"]
    )
    # Every entity column balances on its own (else a check "<entity> balances" would fail),
    # and each has a trial balance behind it.
    columns = {v["column"] for line in statements["lines"] for v in line["values"]}
    assert {"BE", "DE", "AT", "IT", "SE", "eliminations", "adjustments"} <= columns


async def test_2023_is_signed_off_and_served_from_its_run(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    loaded = await load_demo(hub)
    finance = loaded.tokens["finance"]
    statements = await _consolidation(client, finance, "2023")
    assert statements["locked"] is True
    sign_off = statements["signOff"]
    assert sign_off["lockedBy"] == "finance"
    assert sign_off["reason"] == "Demo: the 2023 consolidation, signed off by finance"
    runs = data(await gql(client, finance, '{ consolidationRuns(period: "2023") { id digest } }'))
    assert {"id": sign_off["runId"], "digest": sign_off["digest"]} in runs["consolidationRuns"]
    assert statements["digest"] == sign_off["digest"]
    [sweden] = statements["translations"]
    assert sweden["openingSource"].startswith("opening position ")
    assert statements["checks"][0] == {
        "name": "assets = liabilities + equity",
        "ok": True,
        "difference": "0.00",
    }
    # The lock holds: what it used cannot change, and the message names it.
    refused = await gql(
        client,
        finance,
        """mutation { transitionReport(input: {entity: "SE", period: "2023",
             dataset: STATEMENTS, action: REOPEN, reason: "restate"}) { status } }""",
    )
    [message] = error_messages(refused)
    assert message.startswith(f"the 2023 consolidation is locked (run {sign_off['runId']}, ")
    # Loading the demo again signs nothing off anew (its users get fresh tokens).
    again = await load_demo(hub)
    assert again.consolidation == []
    locks = data(
        await gql(
            client, again.tokens["finance"], '{ consolidationLocks(period: "2023") { runId } }'
        )
    )
    assert locks["consolidationLocks"] == [{"runId": sign_off["runId"]}]


async def test_the_fx_and_booking_differences_appear_with_their_amounts(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    loaded = await load_demo(hub)
    statements = await _consolidation(client, loaded.tokens["finance"], "2024")
    assert statements["differences"] == [
        # Italy booked 59,000 of Belgium's 60,000 recharge as a recharge (1,000 went to its own
        # IT services): in one currency, all of it is a booking difference.
        {
            "entity": "BE",
            "partner": "IT",
            "statement": "income_statement",
            "lines": ["IS.TI.SALES", "IS.SHARED"],
            "amount": "-1000.00",
            "cause": "booking difference",
            "fx": "0.00",
            "booking": "-1000.00",
            "transactionCurrency": "EUR",
            "bookingInTransactionCurrency": "-1000.00",
            "beyondTolerance": True,
        },
        # Sweden carries the 1,300,000 EUR loan at the 2023 closing rate: 14,424,800 SEK, at
        # the 2024 closing rate 11.459 = 1,258,818.40 EUR; 1,300,000 x (1 - 11.096 / 11.459)
        # = 41,181.60 is what the rates explain, nothing was booked otherwise.
        {
            "entity": "BE",
            "partner": "SE",
            "statement": "balance_sheet",
            "lines": ["BS.A.FA.IV.A", "BS.L.DE.VIII.A"],
            "amount": "41181.60",
            "cause": "FX",
            "fx": "41181.60",
            "booking": "0.00",
            "transactionCurrency": "EUR",
            "bookingInTransactionCurrency": "0.00",
            "beyondTolerance": True,
        },
    ]
    plug = _totals(statements)["BS.L.PLUG"]
    # The plug is a credit line: 41,181.60 debit (FX) and 1,000 credit (booking).
    assert plug == Decimal("-40181.60")
    # 2023: Sweden had revalued the loan at that year's closing rate, Italy booked in full.
    assert (await _consolidation(client, loaded.tokens["finance"], "2023"))["differences"] == []


async def test_partners_statements_agree_with_their_published_and_illustrative_kpis(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    """Each partner's production-unit turnover is its turnover KPI, its operating result its
    operating-result KPI, in its own currency (Sweden's in SEK), both years (2023 as signed
    off)."""
    loaded = await load_demo(hub)
    finance = loaded.tokens["finance"]
    query = """query ($period: String!, $line: String!) {
      consolidationDrillDown(period: $period, line: $line) { entity localAmount currency }
      kpiValues(period: [$period], kpi: ["turnover", "operating_result"]) {
        entity kpi amount currency } }"""
    for period in ("2023", "2024"):
        for line, kpi in (("IS.TI.PE", "turnover"), ("IS.EBIT", "operating_result")):
            answer = data(await gql(client, finance, query, period=period, line=line))
            booked: dict[tuple[str, str], Decimal] = {}
            for row in answer["consolidationDrillDown"]:
                key = (row["entity"], row["currency"])
                booked[key] = booked.get(key, Decimal(0)) - Decimal(row["localAmount"])
            published = {
                (v["entity"], v["currency"]): Decimal(v["amount"])
                for v in answer["kpiValues"]
                if v["kpi"] == kpi and v["entity"] != "BE"
            }
            partners = {key: amount for key, amount in booked.items() if key[0] != "BE"}
            assert partners == published, (period, line)
            assert ("SE", "SEK") in partners


async def test_the_readme_figures(client: AsyncTestClient[Any], hub: Hub) -> None:
    """The consolidated 2024 figures docs/demo.md and docs/consolidation.md show, and the line
    `hub demo` prints."""
    loaded = await load_demo(hub)
    statements = await _consolidation(client, loaded.tokens["finance"], "2024")
    totals = _totals(statements)
    assert {
        line: totals[line]
        for line in (
            "BS.A",
            "BS.A.FA.I",
            "BS.L.EQ",
            "BS.L.EQ.VY",
            "BS.L.EQ.CTA",
            "BS.L.EQ.NCI",
            "BS.L.PLUG",
            "IS.NET",
        )
    } == {
        "BS.A": Decimal("71480779.94"),
        "BS.A.FA.I": Decimal("2604.07"),  # 29,840 SEK at 11.459
        "BS.L.EQ": Decimal("37597035.49"),
        "BS.L.EQ.VY": Decimal("402730.05"),
        "BS.L.EQ.CTA": Decimal("46557.36"),
        "BS.L.EQ.NCI": Decimal("0.00"),  # Sweden is held at 100 %
        "BS.L.PLUG": Decimal("-40181.60"),
        "IS.NET": Decimal("402730.05"),
    }
    columns = {
        line["line"]: {v["column"]: v["amount"] for v in line["values"]}
        for line in statements["lines"]
        if line["line"] in ("BS.A", "BS.L.EQ", "IS.NET")
    }
    assert columns == {
        "BS.A": {
            "BE": "71641320.00",
            "DE": "942500.00",
            "AT": "207000.00",
            "IT": "975000.00",
            "SE": "632355.88",  # 7,246,166 SEK at 11.459
            "eliminations": "-2917395.93",
            "adjustments": "0.00",
        },
        "BS.L.EQ": {
            "BE": "41447342.80",
            "DE": "-1350500.00",
            "AT": "-479000.00",
            "IT": "-1022000.00",
            "SE": "-880411.38",
            "eliminations": "-118395.93",
            "adjustments": "0.00",
        },
        "IS.NET": {
            "BE": "1044416.80",
            "DE": "-74500.00",
            "AT": "-240000.00",
            "IT": "-64000.00",
            "SE": "-262186.75",  # -2,997,450 SEK at 11.4325
            "eliminations": "-1000.00",
            "adjustments": "0.00",
        },
    }
    [goodwill] = statements["goodwill"]
    # 120,000 EUR at 8.582 (31 Dec 2012) = 1,029,840 SEK for a capital of 1,000,000 SEK.
    assert goodwill == {
        "subsidiary": "SE",
        "currency": "SEK",
        "local": "29840.00",
        "closing": "2604.07",
        "atAcquisition": "3477.04",
        "translation": "-872.98",
    }
    [sweden] = statements["translations"]
    assert (
        sweden["reserveOpening"],
        sweden["reserveMovement"],
        sweden["translationReserve"],
    ) == ("26579.27", "20851.07", "47430.34")
    assert len(statements["eliminations"]) == 18
    assert statements["netResultNonControlling"] == "0.00"
    assert loaded.consolidated == (
        "2023 signed off by finance (run 1); 2024 open: total assets 71,480,779.94 EUR, "
        "translation reserve 46,557.36 EUR, 18 eliminations, every check ok"
    )
