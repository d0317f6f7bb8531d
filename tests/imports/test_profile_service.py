"""Column profiles over the real app: detect, save, then import as Belgium's team, and the trial
balance is in the database; who may see and save a profile; a CSV import without one."""

from __future__ import annotations

import base64
from typing import Any

from litestar.testing import AsyncTestClient

from hub.services import Hub
from tests.api.graphql_client import data, error_messages, gql
from tests.imports.tables import BELGIAN, belgian_workbook

PROFILE_FIELDS = (
    "kind encoding delimiter quote headerRows sheet account name debit credit balance "
    "balanceSign partner currency decimalSeparator thousandsSeparator"
)
DETECT = f"""
query($entity: String!, $file: ImportFileInput!) {{
  detectColumnProfile(entity: $entity, file: $file) {{
    profile {{ {PROFILE_FIELDS} }}
    headers
    preview {{ line account name partner amount problem }}
    notes
    undecided
  }}
}}"""
SAVE = f"""
mutation($entity: String!, $profile: ColumnProfileInput!) {{
  saveColumnProfile(entity: $entity, profile: $profile) {{
    id entity savedBy profile {{ {PROFILE_FIELDS} }}
  }}
}}"""
SHOW = """
query($entity: String!) {
  columnProfile(entity: $entity) {
    entity
    current { id savedBy profile { account headerRows } }
    history { id savedBy profile { account headerRows } }
  }
}"""
IMPORT = """
mutation($input: ImportInput!) {
  importLedger(input: $input) {
    accepted outcome version accounts derivedFrom notes
    problems { line column message }
  }
}"""


def upload(name: str, content: bytes) -> dict[str, str]:
    return {"name": name, "contentBase64": base64.b64encode(content).decode()}


async def test_detect_save_and_import_a_belgian_balance(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    file = upload("balance-2024.csv", BELGIAN.encode("cp1252"))
    detected = data(await gql(client, tokens["national-be"], DETECT, entity="BE", file=file))
    proposal = detected["detectColumnProfile"]
    assert proposal["profile"] == {
        "kind": "csv",
        "encoding": "cp1252",
        "delimiter": ";",
        "quote": '"',
        "headerRows": 3,
        "sheet": None,
        "account": "Compte",
        "name": "Libellé",
        "debit": "Débit",
        "credit": "Crédit",
        "balance": None,
        "balanceSign": "debit-positive",
        "partner": None,
        "currency": None,
        "decimalSeparator": ",",
        "thousandsSeparator": ".",
    }
    assert proposal["preview"][0] == {
        "line": 4,
        "account": "100000",
        "name": "Capital souscrit",
        "partner": None,
        "amount": "-18600.00",
        "problem": None,
    }
    assert proposal["undecided"] == []
    saved = data(
        await gql(client, tokens["national-be"], SAVE, entity="BE", profile=proposal["profile"])
    )["saveColumnProfile"]
    assert (saved["entity"], saved["savedBy"]) == ("BE", "national-be")
    imported = data(
        await gql(
            client,
            tokens["national-be"],
            IMPORT,
            input={"entity": "BE", "period": "2024", "format": "csv", "files": [file]},
        )
    )["importLedger"]
    assert imported == {
        "accepted": True,
        "outcome": "saved",
        "version": 1,
        "accounts": 8,
        "derivedFrom": "trial balance rows 4..12",
        "notes": ["total rows skipped: lines 6, 13"],
        "problems": [],
    }
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            """
            select t.account_code, t.label, t.amount::text as amount, t.currency, s.source
            from tb_line t join submission s on s.id = t.submission_id
            where s.entity_code = 'BE' and s.period = '2024' and s.version = 1
            order by t.position
            """
        )
        source = await connection.fetchrow(
            "select format, derived_from, file_names from submission_source_file"
        )
    assert [tuple(r) for r in rows] == [
        ("100000", "Capital souscrit", "-18600.00", "EUR", "csv"),
        ("140000", "Bénéfice reporté", "-2150.35", "EUR", "csv"),
        ("400000", "Clients", "12400.50", "EUR", "csv"),
        ("440000", "Fournisseurs", "-3210.15", "EUR", "csv"),
        ("550000", "Banque — compte courant", "9871.00", "EUR", "csv"),
        ("604000", "Achats de marchandises", "1250.00", "EUR", "csv"),
        ("610000", "Services et biens divers", "2439.00", "EUR", "csv"),
        ("700000", "Chiffre d'affaires", "-2000.00", "EUR", "csv"),
    ]
    assert source is not None
    assert tuple(source) == ("CSV", "trial balance rows 4..12", ["balance-2024.csv"])


async def test_an_excel_balance_through_finance_s_profile(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    file = upload("balance.xlsx", belgian_workbook())
    proposal = data(await gql(client, tokens["finance"], DETECT, entity="BE", file=file))
    profile = proposal["detectColumnProfile"]["profile"]
    assert (profile["kind"], profile["sheet"], profile["headerRows"]) == ("xlsx", "Balance", 2)
    data(await gql(client, tokens["finance"], SAVE, entity="BE", profile=profile))
    imported = data(
        await gql(
            client,
            tokens["national-be"],
            IMPORT,
            input={"entity": "BE", "period": "2024", "format": "csv", "files": [file]},
        )
    )["importLedger"]
    assert (imported["accepted"], imported["accounts"], imported["derivedFrom"]) == (
        True,
        5,
        "trial balance rows 3..7 of sheet Balance",
    )


async def test_profiles_are_kept_with_their_history_newest_in_force(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    empty = data(await gql(client, tokens["national-be"], SHOW, entity="BE"))["columnProfile"]
    assert empty == {"entity": "BE", "current": None, "history": []}
    first = {"account": "#1", "balance": "#3", "headerRows": 0}
    second = {"account": "Compte", "debit": "Débit", "credit": "Crédit", "headerRows": 3}
    data(await gql(client, tokens["national-be"], SAVE, entity="BE", profile=first))
    data(await gql(client, tokens["admin"], SAVE, entity="BE", profile=second))
    shown = data(await gql(client, tokens["finance"], SHOW, entity="BE"))["columnProfile"]
    assert shown["current"]["savedBy"] == "admin"
    assert [(h["savedBy"], h["profile"]) for h in shown["history"]] == [
        ("admin", {"account": "Compte", "headerRows": 3}),
        ("national-be", {"account": "#1", "headerRows": 0}),
    ]


async def test_others_are_refused_and_a_profile_that_cannot_read_is_not_saved(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    profile = {"account": "#1", "balance": "#2", "headerRows": 0}
    for who in ("national-de", "board"):
        body = await gql(client, tokens[who], SAVE, entity="BE", profile=profile)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = await gql(client, tokens[who], SHOW, entity="BE")
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(client, tokens["national-de"], SAVE, entity="BE", profile=profile)
    assert error_messages(body) == [
        "national-de (national team of DE) may not read or save the column profiles of trial "
        "balance imports for BE: only for DE"
    ]
    bad = {"account": "#1", "debit": "#2", "headerRows": 0, "kind": "pdf"}
    body = await gql(client, tokens["national-be"], SAVE, entity="BE", profile=bad)
    assert error_messages(body) == ["profile.kind: csv or xlsx, not 'pdf'"]
    bad["kind"] = "csv"
    body = await gql(client, tokens["national-be"], SAVE, entity="BE", profile=bad)
    assert error_messages(body) == [
        "profile: give both a debit and a credit column, or one balance column"
    ]
    shown = data(await gql(client, tokens["national-be"], SHOW, entity="BE"))
    assert shown["columnProfile"]["history"] == []


async def test_a_csv_import_without_a_saved_profile_is_refused_with_the_proposal(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    file = upload("balance-2024.csv", BELGIAN.encode("cp1252"))
    imported = data(
        await gql(
            client,
            tokens["national-be"],
            IMPORT,
            input={"entity": "BE", "period": "2024", "format": "csv", "files": [file]},
        )
    )["importLedger"]
    assert (imported["accepted"], imported["outcome"]) == (False, "refused")
    assert imported["problems"] == [
        {
            "line": None,
            "column": None,
            "message": "no column profile is saved for BE: detect one (detectColumnProfile / "
            "hub import-profile detect FILE) and save it",
        }
    ]
    assert imported["notes"][0] == (
        "proposed profile for BE: kind 'csv', encoding 'cp1252', delimiter ';', header rows 3, "
        "account 'Compte', name 'Libellé', debit 'Débit', credit 'Crédit', balance sign "
        "'debit-positive', decimal separator ',', thousands separator '.'"
    )
    assert "detected: the column titles are on row 3" in imported["notes"]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 0
