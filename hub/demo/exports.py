"""National exports for the demo: what Sweden's accounting program (SIE 4), Germany's
accountant (DATEV EXTF) and Belgium's ledger (a CSV trial balance with partners, read with a
column profile) would send for the first quarter of 2025 — the demo ledgers' 2024 closing
balances brought forward and a quarter of illustrative vouchers — imported by their national
teams as draft versions, the way a team sends its own. Pure functions that write the files;
`hub.demo.load` imports them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from countries.charts import ChartOfAccounts
from hub.demo.ledgers import demo_rows
from hub.registry.group_chart import GroupChart

PERIOD = "2025-Q1"
MONTHS = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class Voucher:
    day: dt.date
    text: str
    rows: tuple[tuple[str, Decimal], ...]  # account, amount (debit positive); sums to zero


@dataclass(frozen=True, slots=True)
class Quarter:
    """A partner's illustrative first quarter: the monthly vouchers, by account."""

    result_carried: str  # the equity account the 2024 result is brought forward on
    texts: tuple[str, str, str, str]  # the vouchers' texts: sales, wages, contributions, rent
    sale: tuple[str, str, Decimal]  # bank, revenue, amount a month
    wages: tuple[str, str, Decimal]  # wages, bank
    contributions: tuple[str, str, Decimal]  # employer contributions, liability
    rent: tuple[str, str, Decimal]  # premises, bank


QUARTERS = {
    "BE": Quarter(
        result_carried="140000",
        texts=("Facturation prestations", "Rémunérations", "Cotisations ONSS", "Loyers"),
        sale=("550000", "700000", Decimal("16400000.00")),
        wages=("620000", "550000", Decimal("12300000.00")),
        contributions=("621000", "454000", Decimal("3450000.00")),
        rent=("610000", "550000", Decimal("410000.00")),
    ),
    "SE": Quarter(
        result_carried="2098",
        texts=("Kundfakturor", "Löner", "Arbetsgivaravgifter", "Hyra"),
        sale=("1930", "3010", Decimal("781250.00")),
        wages=("7010", "1930", Decimal("1852403.08")),
        contributions=("7510", "2731", Decimal("582025.05")),
        rent=("5010", "1930", Decimal("50000.00")),
    ),
    "DE": Quarter(
        result_carried="2970",
        texts=("Honorare", "Gehälter", "Sozialabgaben", "Miete"),
        sale=("1800", "4450", Decimal("149625.00")),
        wages=("6010", "1800", Decimal("399000.00")),
        contributions=("6110", "3740", Decimal("99750.00")),
        rent=("6310", "1800", Decimal("3666.67")),
    ),
}


Key = tuple[str, str | None]  # account, partner


def opening(
    entity: str, chart: ChartOfAccounts, group: GroupChart, carried: str
) -> dict[Key, Decimal]:
    """The 2024 closing balance sheet as the 2025 opening balances: the balance-sheet accounts
    of the 2024 trial balance (with their partners), the 2024 result brought forward on
    `carried`."""
    balances: dict[Key, Decimal] = {}
    result = Decimal(0)
    for row in demo_rows(entity, "2024", group):
        line = chart.group_line(row.account)
        if line is not None and line.startswith("BS"):
            key = (row.account, row.partner)
            balances[key] = balances.get(key, Decimal(0)) + row.amount
        else:
            result += row.amount
    key = (carried, None)
    balances[key] = balances.get(key, Decimal(0)) + result
    return {key: amount for key, amount in balances.items() if amount}


def by_account(balances: dict[Key, Decimal]) -> dict[str, Decimal]:
    """Balances without their partners, as SIE and DATEV carry them."""
    out: dict[str, Decimal] = {}
    for (account, _), amount in balances.items():
        out[account] = out.get(account, Decimal(0)) + amount
    return out


def vouchers(quarter: Quarter) -> list[Voucher]:
    out = []
    for month in MONTHS:
        for day, text, (debit, credit, amount) in zip(
            (15, 25, 25, 28),
            quarter.texts,
            (quarter.sale, quarter.wages, quarter.contributions, quarter.rent),
            strict=True,
        ):
            out.append(
                Voucher(
                    day=dt.date(2025, month, day),
                    text=f"{text} {month:02d}/2025",
                    rows=((debit, amount), (credit, -amount)),
                )
            )
    return out


def sie_export(
    company: str, names: dict[str, str], balances: dict[str, Decimal], book: list[Voucher]
) -> bytes:
    """An SIE 4 file of the 2025 fiscal year, in CP437 with CRLF, as Swedish programs write."""
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "Demo Bokföring" 2025.1',
        "#GEN 20250405",
        f'#FNAMN "{company}"',
        "#RAR 0 20250101 20251231",
        "#RAR -1 20240101 20241231",
        "#KPTYP BAS2024",
        "#VALUTA SEK",
    ]
    accounts = sorted({*balances, *(a for v in book for a, _ in v.rows)})
    lines += [f'#KONTO {a} "{names[a]}"' for a in accounts if a in names]
    lines += [f"#IB 0 {a} {balances[a]:.2f}" for a in sorted(balances)]
    for number, voucher in enumerate(book, start=1):
        day = voucher.day.strftime("%Y%m%d")
        lines.append(f'#VER A {number} {day} "{voucher.text}" 20250405')
        lines.append("{")
        lines += [f"   #TRANS {a} {{}} {amount:.2f}" for a, amount in voucher.rows]
        lines.append("}")
    return ("\r\n".join(lines) + "\r\n").encode("cp437")


_DATEV_COLUMNS = (
    "Umsatz (ohne Soll/Haben-Kz);Soll/Haben-Kennzeichen;WKZ Umsatz;Kurs;Basisumsatz;"
    "WKZ Basisumsatz;Konto;Gegenkonto (ohne BU-Schlüssel);BU-Schlüssel;Belegdatum;"
    "Belegfeld 1;Belegfeld 2;Skonto;Buchungstext"
)
# Saldenvorträge Sachkonten: DATEV's counter-account for opening balances.
_OPENING_CONTRA = "9000"


def _datev_header(category: int, name: str, title: str) -> str:
    values = [""] * 31
    values[:6] = ['"EXTF"', "700", str(category), f'"{name}"', "13", "20250405093000000"]
    for number, value in {
        8: '"RE"',
        11: "29098",
        12: "55003",
        13: "20250101",
        14: "4",
        15: "20250101" if category == 21 else "",
        16: "20250331" if category == 21 else "",
        17: f'"{title}"',
        22: '"EUR"' if category == 21 else "",
    }.items():
        values[number - 1] = value
    return ";".join(values)


def _amount(amount: Decimal) -> str:
    return f"{abs(amount):.2f}".replace(".", ",")


def datev_export(balances: dict[str, Decimal], book: list[Voucher]) -> bytes:
    """A DATEV booking batch (category 21) of the first quarter: the opening balances against
    9000, then each voucher's debit against its credit; Windows-1252, `;`, decimal comma."""
    lines = [_datev_header(21, "Buchungsstapel", "Buchungen Q1 2025"), _DATEV_COLUMNS]
    for account, amount in sorted(balances.items()):
        side = "S" if amount > 0 else "H"
        lines.append(
            f'{_amount(amount)};"{side}";"EUR";;;"";{account};{_OPENING_CONTRA};"";0101;'
            '"EB";"";;"Eröffnungsbilanz"'
        )
    for number, voucher in enumerate(book, start=1):
        (debit, amount), (credit, _) = voucher.rows
        day = voucher.day.strftime("%d%m")
        lines.append(
            f'{_amount(amount)};"S";"EUR";;;"";{debit};{credit};"";{day};"RE{number}";"";;'
            f'"{voucher.text}"'
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def datev_names(names: dict[str, str]) -> bytes:
    """The accounts' names (category 20, Kontenbeschriftungen)."""
    lines = [_datev_header(20, "Kontenbeschriftungen", "Kontenplan"), "Konto;Kontenbeschriftung"]
    lines += [f'{account};"{name}"' for account, name in sorted(names.items())]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _belgian(amount: Decimal) -> str:
    """1.234.567,89 as Belgian software writes it."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def csv_export(names: dict[str, str], balances: dict[Key, Decimal], book: list[Voucher]) -> bytes:
    """A Belgian trial balance at the quarter's end as accounting software exports it: a title
    line, then `Compte;Libellé;Débit;Crédit;Partenaire`, Windows-1252, decimal comma."""
    totals = dict(balances)
    for voucher in book:
        for account, amount in voucher.rows:
            key = (account, None)
            totals[key] = totals.get(key, Decimal(0)) + amount
    lines = ["Balance générale au 31/03/2025;;;;", "Compte;Libellé;Débit;Crédit;Partenaire"]
    for (account, partner), amount in sorted(
        totals.items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        if not amount:
            continue
        debit, credit = (_belgian(amount), "") if amount > 0 else ("", _belgian(-amount))
        lines.append(f"{account};{names.get(account, '')};{debit};{credit};{partner or ''}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
