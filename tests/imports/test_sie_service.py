"""A Swedish team's SIE export through the hub, as the team sends it: REST upload, GraphQL and
the `hub import` command. A draft version of the STATEMENTS report with the file's trial
balance and its provenance; a replay saves nothing new; a refused file stores nothing."""

from __future__ import annotations

import base64
import hashlib
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.api.graphql_client import data, gql
from tests.conftest import REPO
from tests.excel.workbooks import auth
from tests.test_cli import env, run_hub

SIE = Path(__file__).resolve().parents[1] / "data" / "imports" / "se-sie"
GOOD = "transaktioner_ovnbolag.se"
BAD = "transaktioner_ovnbolag-bad-balance.se"


def export(year: int = 2024, orgnr: str = "556677-8899", currency: str = "SEK") -> bytes:
    """A small Swedish company's year in SIE 4, CP437, as Fortnox or Visma write it."""
    return (
        '#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#PROGRAM "Fortnox" 3.1\r\n'
        f'#FNAMN "Smart Sverige Test AB"\r\n#ORGNR {orgnr}\r\n'
        f"#RAR 0 {year}0101 {year}1231\r\n#VALUTA {currency}\r\n"
        '#KONTO 1930 "Företagskonto"\r\n#KONTO 2081 "Aktiekapital"\r\n'
        '#KONTO 3041 "Försäljning tjänster 25 %"\r\n#KONTO 2611 "Utgående moms 25 %"\r\n'
        '#KONTO 5010 "Lokalhyra"\r\n'
        "#IB 0 1930 50000.00\r\n#IB 0 2081 -50000.00\r\n"
        f'#VER A 1 {year}0115 "Faktura 1"\r\n{{\r\n'
        "#TRANS 1930 {} 12500.00\r\n#TRANS 3041 {} -10000.00\r\n#TRANS 2611 {} -2500.00\r\n}\r\n"
        f'#VER A 2 {year}0201 "Hyra februari"\r\n{{\r\n'
        "#TRANS 5010 {} 4000.00\r\n#TRANS 1930 {} -4000.00\r\n}\r\n"
    ).encode("cp437")


async def submissions(hub: Hub, entity: str) -> list[tuple[str, int]]:
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            "select period, version from submission where entity_code = $1 order by id", entity
        )
    return [(r["period"], r["version"]) for r in rows]


async def test_a_real_sie_export_becomes_a_draft_version_with_its_provenance(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = (SIE / GOOD).read_bytes()
    response = await client.post(
        "/api/reports/SE/2011/import/sie",
        content=body,
        headers={**auth(tokens["national-se"]), "X-File-Name": GOOD},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["outcome"], report["version"], report["accounts"]) == ("saved", 1, 82)
    assert report["derivedFrom"] == "#UB/#RES of year 0 (2011-01-01 to 2011-12-31)"
    assert report["program"] == "Avendo"
    assert report["sha256"] == hashlib.sha256(body).hexdigest()
    assert report["notes"][0].startswith("the opening balances (#IB) sum to 1151678.15")
    assert report["unmapped"] == []  # every account of the company's BAS chart maps
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            """
            select t.account_code, t.label, t.amount, t.currency
            from tb_line t join submission s on s.id = t.submission_id
            where s.entity_code = 'SE' and s.period = '2011'
            order by t.account_code
            """
        )
        source = await connection.fetchrow(
            """
            select f.format, f.program, f.program_version, f.organisation_number, f.company,
                   f.file_names, f.sha256, f.size_bytes
            from submission_source_file f join submission s on s.id = f.submission_id
            where s.entity_code = 'SE' and s.period = '2011'
            """
        )
    assert len(rows) == 82
    assert sum(r["amount"] for r in rows) == 0
    by_account = {r["account_code"]: tuple(r)[1:] for r in rows}
    assert by_account["1930"] == ("Bank, checkräkningskonto", Decimal("1511049.94"), "SEK")
    # 2098's closing balance (-485166.48) and the earlier years' profit the opening balances
    # miss (1151678.15): -1636844.63.
    assert by_account["2098"] == ("Vinst/förlust föreg år", Decimal("-1636844.63"), "SEK")
    assert source is not None
    assert dict(source) == {
        "format": "SIE 4",
        "program": "Avendo",
        "program_version": "5.20",
        "organisation_number": "5555555555",
        "company": "Övningsbolaget AB (Ekonomi 60)",
        "file_names": [GOOD],
        "sha256": hashlib.sha256(body).digest(),
        "size_bytes": len(body),
    }
    # The same file again (a retried upload): the version it made, nothing new.
    again = await client.post(
        "/api/reports/SE/2011/import/sie",
        content=body,
        headers={**auth(tokens["national-se"]), "X-File-Name": GOOD},
    )
    assert again.status_code == 200
    assert (again.json()["outcome"], again.json()["version"]) == ("replayed", 1)
    assert await submissions(hub, "SE") == [("2011", 1)]


async def test_an_unbalanced_voucher_is_refused_with_its_line_and_nothing_is_stored(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    response = await client.post(
        "/api/reports/SE/2011/import/sie",
        content=(SIE / BAD).read_bytes(),
        headers={**auth(tokens["national-se"]), "X-File-Name": BAD},
    )
    assert response.status_code == 422
    report = response.json()
    assert report["outcome"] == "refused"
    assert [(p["line"], p["message"]) for p in report["problems"]] == [
        (3905, "voucher B 1 (2011-01-07) does not balance: credits exceed debits by 12771.00")
    ]
    assert await submissions(hub, "SE") == []


async def test_who_may_import_what(client: AsyncTestClient[Any], tokens: dict[str, str]) -> None:
    other = await client.post(
        "/api/reports/SE/2024/import/sie", content=export(), headers=auth(tokens["national-de"])
    )
    assert other.status_code == 403
    wrong_format = await client.post(
        "/api/reports/SE/2024/import/datev", content=export(), headers=auth(tokens["national-se"])
    )
    assert wrong_format.status_code == 400
    assert wrong_format.json()["detail"] == "SE imports sie, csv, not 'datev'"


async def test_the_file_must_be_the_entity_s(
    tmp_path: Path, database_url: str, tokens: dict[str, str]
) -> None:
    """With Sweden's registered number configured, another company's export is refused; an
    export in another currency too."""
    for source in (REPO / "config").glob("*.toml"):
        shutil.copy(source, tmp_path / source.name)
    network = (tmp_path / "network.toml").read_text(encoding="utf-8")
    (tmp_path / "network.toml").write_text(
        network.replace(
            'name = "Smart Sweden"', 'name = "Smart Sweden"\nregistered_number = "556677-8899"'
        ),
        encoding="utf-8",
    )
    settings = Settings(database_url=None, data_dir=tmp_path, config_dir=tmp_path)
    from hub.assembly.app import create_app

    async with AsyncTestClient(app=create_app(settings, database_url)) as client:
        headers = auth(tokens["national-se"])
        foreign = await client.post(
            "/api/reports/SE/2024/import/sie", content=export(orgnr="5555555555"), headers=headers
        )
        assert foreign.status_code == 422
        assert foreign.json()["problems"][0]["message"] == (
            "the file is from organisation 5555555555, not SE's (556677-8899): is it another "
            "company's export?"
        )
        euros = await client.post(
            "/api/reports/SE/2024/import/sie", content=export(currency="EUR"), headers=headers
        )
        assert euros.json()["problems"][0]["message"] == "the file is in EUR; SE reports in SEK"
        own = await client.post(
            "/api/reports/SE/2024/import/sie", content=export(orgnr="5566778899"), headers=headers
        )
        assert own.status_code == 200, own.text
    async with open_hub(settings, database_url, pool_size=2) as hub:
        assert await submissions(hub, "SE") == [("2024", 1)]


async def test_graphql_imports_and_shows_where_a_version_came_from(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = await gql(
        client,
        tokens["national-se"],
        """
        mutation($input: ImportInput!) {
          importLedger(input: $input) {
            accepted outcome version accounts derivedFrom problems { line message }
          }
        }
        """,
        input={
            "entity": "SE",
            "period": "2024",
            "format": "sie",
            "files": [{"name": "fortnox.se", "contentBase64": base64.b64encode(export()).decode()}],
        },
    )
    assert data(body)["importLedger"] == {
        "accepted": True,
        "outcome": "saved",
        "version": 1,
        "accounts": 5,
        "derivedFrom": "#IB and 2 vouchers (5 rows) to 2024-12-31",
        "problems": [],
    }


def test_the_import_command_shows_the_trial_balance_s_outcome(
    database_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "fortnox.se"
    path.write_bytes(export())
    done = run_hub(
        ["import", "sie", str(path), "--entity", "SE", "--period", "2024", "--user", "national-se"],
        env(HUB_DATABASE_URL=database_url),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "SE 2024 (sie): saved: version 1; 5 accounts, #IB and 2 vouchers (5 rows) to "
        "2024-12-31, from Fortnox"
    )
    bad = tmp_path / "bad.se"
    bad.write_bytes(export().replace(b"-4000.00", b"-400.00"))
    refused = run_hub(
        ["import", "sie", str(bad), "--entity", "SE", "--period", "2024", "--user", "national-se"],
        env(HUB_DATABASE_URL=database_url),
    )
    assert refused.returncode == 1
    expected = "error: line 22: voucher A 2 (2024-02-01) does not balance: debits exceed credits"
    assert f"{expected} by 3600.00" in refused.stderr


@pytest.fixture(autouse=True)
def _no_stray_hub_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


async def test_the_team_sees_where_its_version_came_from_and_submits_it(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = export()
    imported = await client.post(
        "/api/reports/SE/2024/import/sie",
        content=body,
        headers={**auth(tokens["national-se"]), "X-File-Name": "fortnox.se"},
    )
    assert imported.status_code == 200, imported.text
    report = data(
        await gql(
            client,
            tokens["national-se"],
            """
            { reports(entity: ["SE"], period: ["2024"], dataset: [STATEMENTS]) {
                status versions { version sourceFile { format program fileNames sha256 } } } }
            """,
        )
    )["reports"][0]
    assert report["status"] == "DRAFT"
    assert report["versions"] == [
        {
            "version": 1,
            "sourceFile": {
                "format": "SIE 4",
                "program": "Fortnox",
                "fileNames": ["fortnox.se"],
                "sha256": hashlib.sha256(body).hexdigest(),
            },
        }
    ]
    transition = """
        mutation($input: TransitionInput!) { transitionReport(input: $input) { status } }
    """
    submitted = await gql(
        client,
        tokens["national-se"],
        transition,
        input={"entity": "SE", "period": "2024", "dataset": "STATEMENTS", "action": "SUBMIT"},
    )
    assert data(submitted)["transitionReport"] == {"status": "SUBMITTED"}
    approved = await gql(
        client,
        tokens["finance"],
        transition,
        input={"entity": "SE", "period": "2024", "dataset": "STATEMENTS", "action": "APPROVE"},
    )
    assert data(approved)["transitionReport"] == {"status": "APPROVED"}
