"""A real DATEV booking batch and its account names, uploaded together over REST, become a draft
version of Germany's statements: its trial balance rows in the database, named from the
Kontenbeschriftungen, the accounts the SKR04 chart leaves out listed as unmapped."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from hub.services import Hub
from tests.excel.workbooks import auth

DATEV = Path(__file__).resolve().parents[1] / "data" / "national" / "de-datev"
BOOKINGS = "ledermann-EXTF_Buchungsstapel.csv"
NAMES = "ledermann-EXTF_Kontenbeschriftungen.csv"


def files(*names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (n, (DATEV / n).read_bytes(), "text/csv")) for n in names]


async def test_a_booking_batch_with_its_account_names_is_saved_as_a_draft(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    response = await client.post(
        "/api/reports/DE/2018-02/import/datev",
        files=files(BOOKINGS, NAMES),
        headers=auth(tokens["national-de"]),
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["accepted"] is True
    assert report["outcome"] == "saved"
    assert report["version"] == 1
    assert report["problems"] == []
    assert report["accounts"] == 4
    assert report["derivedFrom"] == "bookings 2018-02-01 to 2018-02-28 (2 bookings)"
    assert report["program"] == "XY"
    # 8400 is SKR03's revenue account; SKR04, Germany's chart, keeps class 8 free.
    assert report["unmapped"] == [
        {
            "account": "8400",
            "name": None,
            "balance": "-5950.00",
            "reason": "SKR04 leaves class 8 free (cost accounting): outside the statements",
        }
    ]
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            """
            select t.account_code, t.label, t.amount, t.currency
            from tb_line t join submission s on s.id = t.submission_id
            where s.entity_code = 'DE' and s.period = '2018-02' and s.version = 1
            order by t.position
            """
        )
        source = await connection.fetchrow(
            """
            select f.format, f.program, f.company, f.file_names, f.derived_from, f.notes
            from submission_source_file f join submission s on s.id = f.submission_id
            where s.entity_code = 'DE' and s.period = '2018-02'
            """
        )
    assert [tuple(r) for r in rows] == [
        ("1200", "Girokonto", Decimal("-24.95"), "EUR"),
        ("4940", None, Decimal("24.95"), "EUR"),
        ("8400", None, Decimal("-5950.00"), "EUR"),
        ("10000", None, Decimal("5950.00"), "EUR"),
    ]
    assert source is not None
    assert source["format"] == "DATEV EXTF 700"
    assert source["program"] == "XY"
    assert source["company"] == "Beispiel-Buchungen"
    assert source["file_names"] == [BOOKINGS, NAMES]
    assert source["derived_from"] == "bookings 2018-02-01 to 2018-02-28 (2 bookings)"
    assert source["notes"] == [
        "the bookings start on 2018-02-01, after the fiscal year's first day (2018-01-01): the "
        "balances hold only the bookings sent (opening balances and earlier months come in "
        "their own batches)",
        "1 booking carries a tax key (BU-Schlüssel): DATEV splits the VAT of such bookings onto "
        "the tax accounts; this import keeps their gross amounts on the accounts booked",
        "3 accounts without a name in the Kontenbeschriftungen: 4940, 8400, 10000",
        "DATEV adviser (Berater) 1001, client (Mandant) 456",
    ]


async def test_a_refused_batch_stores_nothing_and_says_where(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    response = await client.post(
        "/api/reports/DE/2025-01/import/datev",
        files=files("datev-lint-invalid_fields.csv"),
        headers=auth(tokens["national-de"]),
    )
    assert response.status_code == 422, response.text
    report = response.json()
    assert report["outcome"] == "refused"
    assert [(p["line"], p["column"], p["message"]) for p in report["problems"]] == [
        (4, 2, "the Soll/Haben indicator 'X' is neither S (debit) nor H (credit)"),
        (5, 4, "the account (Konto) is missing"),
    ]
    async with hub.db.pool.acquire() as connection:
        stored = await connection.fetchval(
            "select count(*) from submission where entity_code = 'DE' and period = '2025-01'"
        )
    assert stored == 0
