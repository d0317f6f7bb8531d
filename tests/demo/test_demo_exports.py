"""The demo's national exports: Belgium's first quarter of 2025 as a CSV trial balance with
partners (its column profile proposed by the hub and saved), Sweden's as an SIE 4 file and
Germany's as a DATEV booking batch with its account names, imported by their teams as drafts
through the same service a team's upload takes (hub/demo/exports.py)."""

from __future__ import annotations

from decimal import Decimal

from hub.demo import exports
from hub.demo.load import load_demo
from hub.services import Hub

DRAFT_TRIAL_BALANCE = """
    select t.account_code, t.label, t.amount, t.currency, t.partner_entity
    from tb_line t join submission s on s.id = t.submission_id
    where s.entity_code = $1 and s.period = '2025-Q1'
    order by t.account_code
"""


async def test_the_demo_s_exports_are_imported_as_drafts_with_their_provenance(hub: Hub) -> None:
    await load_demo(hub)
    async with hub.db.pool.acquire() as connection:
        belgium = await connection.fetch(DRAFT_TRIAL_BALANCE, "BE")
        profile = await connection.fetchval(
            "select count(*) from import_profile where entity = 'BE'"
        )
        sweden = await connection.fetch(DRAFT_TRIAL_BALANCE, "SE")
        germany = await connection.fetch(DRAFT_TRIAL_BALANCE, "DE")
        sources = await connection.fetch(
            """
            select s.entity_code, f.format, f.program, f.file_names
            from submission_source_file f join submission s on s.id = f.submission_id
            order by s.entity_code
            """
        )
    assert [tuple(r) for r in sources] == [
        ("BE", "CSV", None, ["balance-2025-03-31.csv"]),
        (
            "DE",
            "DATEV EXTF 700",
            "RE",
            ["EXTF_Buchungsstapel.csv", "EXTF_Kontenbeschriftungen.csv"],
        ),
        ("SE", "SIE 4", "Demo Bokföring", ["smart-sweden-2025.se"]),
    ]
    for rows in (belgium, sweden, germany):
        assert sum(r["amount"] for r in rows) == 0
    assert profile == 1
    # Belgium's loans to Germany and Sweden keep their partners through the profile's column.
    be_chart = hub.countries["BE"].profile.chart_of_accounts
    be_opening = exports.opening("BE", be_chart, hub.group_chart, "140000")
    with_partner = {
        (r["account_code"], r["partner_entity"]): r["amount"]
        for r in belgium
        if r["partner_entity"]
    }
    assert with_partner == {key: v for key, v in be_opening.items() if key[1] is not None}
    assert {p for _, p in with_partner} == {"DE", "SE"}
    assert {r["currency"] for r in belgium} == {"EUR"}
    se = {r["account_code"]: r for r in sweden}
    chart = hub.countries["SE"].profile.chart_of_accounts
    opening = exports.by_account(exports.opening("SE", chart, hub.group_chart, "2098"))
    # The bank: its opening balance, three months of fees in, wages and rent out.
    quarter = 3 * (Decimal("781250.00") - Decimal("1852403.08") - Decimal("50000.00"))
    assert se["1930"]["amount"] == opening["1930"] + quarter
    assert se["3010"]["amount"] == Decimal("-2343750.00")
    assert se["7510"]["amount"] == Decimal("1746075.15")
    assert {r["currency"] for r in sweden} == {"SEK"}
    de = {r["account_code"]: r for r in germany}
    assert de["4450"]["amount"] == Decimal("-448875.00")
    assert de["6010"]["label"] == chart_label(hub, "DE", "6010")
    assert {r["currency"] for r in germany} == {"EUR"}


def chart_label(hub: Hub, entity: str, account: str) -> str:
    listed = hub.countries[entity].profile.chart_of_accounts.account(account)
    assert listed is not None
    return listed.label
