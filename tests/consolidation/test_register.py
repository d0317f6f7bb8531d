"""The acquisition register over GraphQL, and how consolidation reads it: corrections kept as
versions, located refusals, refusals while a locked consolidation would change, and where each
year's equity opens from (IAS 21)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from litestar.testing import AsyncTestClient

from hub.auth.policy import Role
from hub.consolidation import service as consolidation
from hub.consolidation.model import Balance, EntityInput
from hub.consolidation.register import service as register
from hub.consolidation.register.repository import OpeningLine
from hub.fx.model import RateType
from hub.fx.service import import_ecb, override_rate
from hub.services import Hub
from tests.api.graphql_client import data, gql
from tests.consolidation.test_service import ECB, QUERY, approve, record_sweden, user
from tests.consolidation.worked_example import BELGIUM, BELGIUM_2023, SWEDEN

REGISTER = """
{ acquisitionRegister(entity: ["SE"]) {
    acquisitions { id subsidiary parent acquiredOn method share consideration
                   considerationCurrency rate inForce reason recordedBy
                   equity { line amount } }
    goodwillImpairments { id period amount withdrawn }
    openingPositions { entity period lines { line local translated } } } }
"""
RECORD = """
mutation R($input: AcquisitionInput!) { recordAcquisition(input: $input) {
    acquisitions { id inForce consideration } } }
"""
IMPAIR = """
mutation I($input: GoodwillImpairmentInput!) { recordGoodwillImpairment(input: $input) {
    goodwillImpairments { id period amount } } }
"""
LOCK = """
mutation L($period: String!) {
    lockConsolidation(period: $period, reason: "signed off", entities: ["BE", "SE"]) { runId } }
"""
SWEDEN_ACQUIRED = {
    "subsidiary": "SE",
    "acquiredOn": "2012-12-31",
    "share": "0.8",
    "consideration": "100000",
    "considerationCurrency": "EUR",
    "equity": [{"line": "BS.L.EQ.I", "amount": "-1000000"}],
    "reason": "Sweden's capital paid in by Belgium",
}


def locked(body: dict[str, Any]) -> str:
    [error] = body["errors"]
    assert error["extensions"]["code"] == "LOCKED", error
    message: str = error["message"]
    return message


def problems(body: dict[str, Any]) -> list[str]:
    [error] = body["errors"]
    assert error["extensions"]["code"] == "CONSOLIDATION", error
    found: list[str] = error["extensions"]["problems"]
    return found


async def test_acquisitions_are_versions_kept_with_who_and_why(
    client80: AsyncTestClient[Any], worked: dict[str, str]
) -> None:
    finance = worked["finance"]
    corrected = {**SWEDEN_ACQUIRED, "consideration": "110000", "reason": "the notary's deed"}
    versions = data(await gql(client80, finance, RECORD, input=corrected))
    assert [
        (a["inForce"], a["consideration"]) for a in versions["recordAcquisition"]["acquisitions"]
    ] == [(False, "100000"), (True, "110000")]
    register = data(await gql(client80, worked["board"], REGISTER))["acquisitionRegister"]
    newest = register["acquisitions"][-1]
    assert (newest["parent"], newest["method"], newest["share"]) == ("BE", "full", "0.8")
    assert (newest["reason"], newest["recordedBy"], newest["rate"]) == (
        "the notary's deed",
        "finance",
        None,
    )
    assert newest["equity"] == [{"line": "BS.L.EQ.I", "amount": "-1000000"}]
    # The consolidation takes the newest: goodwill 110,000 x 8.582 - 800,000 = 144,020 SEK.
    result = data(await gql(client80, finance, QUERY, period="2024", entities=["BE", "SE"]))
    assert result["consolidation"]["goodwill"][0]["local"] == "144020.00"


async def test_what_the_register_refuses_is_located(
    client80: AsyncTestClient[Any], worked: dict[str, str]
) -> None:
    finance = worked["finance"]
    wrong = {
        **SWEDEN_ACQUIRED,
        "share": "1.2",
        "equity": [{"line": "BS.A.CA.IX", "amount": "-1000000"}],
        "nciFairValue": "5",
        "reason": " ",
    }
    assert problems(await gql(client80, finance, RECORD, input=wrong)) == [
        "share: 1.2 is not a share between 0 (excluded) and 1",
        "equity[0].line: 'BS.A.CA.IX' is not an equity line the subsidiary reports "
        "(BS.L.EQ.I, BS.L.EQ.II, BS.L.EQ.III, BS.L.EQ.IV, BS.L.EQ.V, BS.L.EQ.VI)",
        "reason: say why (it is kept with the entry)",
    ]
    independent = {**SWEDEN_ACQUIRED, "subsidiary": "DE"}
    assert problems(await gql(client80, finance, RECORD, input=independent)) == [
        "subsidiary: DE is consolidated as aggregation (network.toml): only a subsidiary "
        "(full) or an associate (equity) has an acquisition"
    ]
    too_much = {"subsidiary": "SE", "period": "2024", "amount": "60000", "reason": "audit"}
    data(await gql(client80, finance, IMPAIR, input=too_much))
    refused = await gql(client80, finance, QUERY, period="2024", entities=["BE", "SE"])
    assert problems(refused) == [
        "SE: impairments of 60000 SEK exceed its goodwill of 58200.000 SEK"
    ]


async def test_a_locked_year_refuses_what_would_change_it_and_opens_the_next(
    client80: AsyncTestClient[Any], worked: dict[str, str]
) -> None:
    finance = worked["finance"]
    run = data(await gql(client80, finance, LOCK, period="2023"))["lockConsolidation"]["runId"]
    named = f"the 2023 consolidation is locked (run {run}, locked by finance on {dt.date.today()})"
    impairment = {"subsidiary": "SE", "period": "2023", "amount": "1000", "reason": "audit"}
    assert locked(await gql(client80, finance, IMPAIR, input=impairment)) == (
        f"{named}: unlock it before changing an impairment of SE"
    )
    assert locked(await gql(client80, finance, RECORD, input=SWEDEN_ACQUIRED)) == (
        f"{named}: unlock it before changing SE's acquisition"
    )
    # 2024 is open: an impairment of it is taken, and 2024 opens from the locked 2023 run.
    later = {"subsidiary": "SE", "period": "2024", "amount": "8200", "reason": "audit"}
    data(await gql(client80, finance, IMPAIR, input=later))
    result = data(await gql(client80, finance, QUERY, period="2024", entities=["BE", "SE"]))
    statements = result["consolidation"]
    [sweden] = statements["translations"]
    assert sweden["openingSource"] == "the locked 2023 consolidation"
    # Goodwill 58,200 - 8,200 = 50,000 SEK, at 11.459: 4,363.38; the impairment 8,200 SEK at
    # the average 11.4325: 717.25, in the result.
    [goodwill] = statements["goodwill"]
    assert (goodwill["local"], goodwill["closing"]) == ("50000.00", "4363.38")
    lines = {line["line"]: line for line in statements["lines"]}
    assert lines["IS.DEP"]["total"] == "-717.25"
    assert all(check["ok"] for check in statements["checks"])


async def test_an_opening_comes_from_the_year_before_computed_when_not_locked(
    hub80: Hub,
) -> None:
    """Sweden earns 200,000 SEK in 2023 and keeps it: its 2024 equity opens with it, carried at
    2023's average rate (11.4788): 17,423.42, not at the acquisition's 8.582 (23,304.59)."""
    _, finance = await user(hub80, "finance", Role.FINANCE)
    _, sweden = await user(hub80, "national-se", Role.NATIONAL, "SE")
    _, belgium = await user(hub80, "national-be", Role.NATIONAL, "BE")
    await import_ecb(hub80, ECB.read_bytes(), finance.user_id)
    await record_sweden(hub80, finance)
    earned_2023 = EntityInput(
        entity="SE",
        currency="SEK",
        method=SWEDEN.method,
        parent="BE",
        submission_id=0,
        version=1,
        balances=(
            Balance("BS.A.CA.IX", Decimal(1_200_000)),
            Balance("BS.L.EQ.I", Decimal(-1_000_000)),
            Balance("IS.TI.PE.ACT", Decimal(-2_200_000)),
            Balance("IS.PEC", Decimal(2_000_000)),
        ),
    )
    kept_2024 = EntityInput(
        entity="SE",
        currency="SEK",
        method=SWEDEN.method,
        parent="BE",
        submission_id=0,
        version=1,
        balances=(
            Balance("BS.A.CA.IX", Decimal(1_200_000)),
            Balance("BS.L.EQ.I", Decimal(-1_000_000)),
            Balance("BS.L.EQ.V", Decimal(-200_000)),
        ),
    )
    await approve(hub80, belgium, finance, BELGIUM_2023, "2023")
    await approve(hub80, belgium, finance, BELGIUM, "2024")
    await approve(hub80, sweden, finance, earned_2023, "2023")
    await approve(hub80, sweden, finance, kept_2024, "2024")
    view = await consolidation.view(hub80, finance, "2024", ["BE", "SE"])
    [translation] = view.result.translations
    assert translation.opening_source == "2023 computed from its approved statements (not locked)"
    columns = view.result.columns["SE"]
    assert round(columns["BS.L.EQ.V"], 2) == Decimal("17423.42")  # 200,000 / 11.4788
    prior = view.prior
    assert prior is not None
    [before] = prior.translations
    assert translation.cta_opening is not None
    assert abs(translation.cta_opening - before.cta) < Decimal("0.000001")


async def test_a_rate_entered_for_a_year_translates_that_years_movement_only(
    hub80: Hub,
) -> None:
    """Sweden raises its capital by 200,000 SEK in 2024, on a day the rate was 11.0: finance
    enters that rate for the capital line and 2024. The raise is translated at it (18,181.82),
    the capital paid in 2012 stays at 8.582 (116,522.955): 134,704.77. Without it, the raise
    would be at 2024's average, 11.4325 (17,493.99). The rate is for 2024: 2023 is untouched."""
    _, finance = await user(hub80, "finance", Role.FINANCE)
    _, sweden = await user(hub80, "national-se", Role.NATIONAL, "SE")
    _, belgium = await user(hub80, "national-be", Role.NATIONAL, "BE")
    await import_ecb(hub80, ECB.read_bytes(), finance.user_id)
    await record_sweden(hub80, finance)
    raised = EntityInput(
        entity="SE",
        currency="SEK",
        method=SWEDEN.method,
        parent="BE",
        submission_id=0,
        version=1,
        balances=(
            Balance("BS.A.CA.IX", Decimal(1_200_000)),
            Balance("BS.L.EQ.I", Decimal(-1_200_000)),
        ),
    )
    await approve(hub80, belgium, finance, BELGIUM, "2024")
    await approve(hub80, sweden, finance, raised, "2024")
    await register.record_opening(
        hub80,
        finance,
        register.OpeningIn(
            entity="SE",
            period="2024",
            lines=(
                OpeningLine(
                    line="BS.L.EQ.I",
                    local=Decimal(-1_000_000),
                    translated=Decimal(-1_000_000) / Decimal("8.582"),
                ),
            ),
            reason="the 2023 consolidated accounts",
        ),
    )
    at_average = await consolidation.view(hub80, finance, "2024", ["BE", "SE"])
    assert round(at_average.result.columns["SE"]["BS.L.EQ.I"], 2) == Decimal("134016.94")
    await override_rate(
        hub80,
        finance,
        currency="SEK",
        rate_type=RateType.HISTORICAL,
        period="2024",
        entity="SE",
        line="BS.L.EQ.I",
        rate=Decimal("11.0"),
        reason="capital raised on 2024-06-14",
    )
    at_its_date = await consolidation.view(hub80, finance, "2024", ["BE", "SE"])
    assert round(at_its_date.result.columns["SE"]["BS.L.EQ.I"], 2) == Decimal("134704.77")
    assert any(
        (used.type, used.line, used.period, used.rate)
        == ("historical", "BS.L.EQ.I", "2024", Decimal(11))
        for used in at_its_date.inputs.rates_used
    )
