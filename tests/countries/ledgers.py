"""Small readers of real national ledgers, for the chart tests only: the accounts of a SIE file
(`#KONTO`) and its closing balances (`#UB`, `#RES`), the accounts of DATEV EXTF files and the
trial balance of a DATEV posting batch. The hub's own SIE and DATEV importers are another piece
of work; these read just what the tests need, from copies in tests/data/national (README there)."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national"
SIE = NATIONAL / "se-sie"
DATEV = NATIONAL / "de-datev"

_KONTO = re.compile(r'^\s*#KONTO\s+"?([^"\s]+)"?')
# Year 0 is the year of the file; a quantity may follow the amount.
_BALANCE = re.compile(r'^\s*#(?:UB|RES)\s+0\s+"?([^"\s]+)"?\s+(-?\d+(?:\.\d+)?)')


def sie_files() -> list[Path]:
    return sorted(p for p in SIE.iterdir() if p.name != "LICENSE")


def sie_text(path: Path) -> str:
    """SIE files are CP437 ("PC8") unless they are valid UTF-8."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp437")


def sie_accounts(path: Path) -> list[str]:
    return [m.group(1) for line in sie_text(path).splitlines() if (m := _KONTO.match(line))]


def sie_balances(path: Path) -> dict[str, Decimal]:
    """The year's closing balances: balance-sheet accounts (`#UB`) and result accounts (`#RES`),
    debit positive, as a trial balance before closing holds them."""
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for line in sie_text(path).splitlines():
        if found := _BALANCE.match(line):
            balances[found.group(1)] += Decimal(found.group(2))
    return dict(balances)


def _datev_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    header, titles, *rows = list(csv.reader(io.StringIO(text), delimiter=";", quotechar='"'))
    return header, [dict(zip(titles, row, strict=False)) for row in rows]


def _ledger_length(header: list[str]) -> int:
    """The length of general-ledger accounts: the header field after the fiscal year's first
    day (yyyymmdd). Found by position from that date, as real files differ in the empty fields
    before it."""
    start = next(i for i, field in enumerate(header) if i > 5 and re.fullmatch(r"\d{8}", field))
    return int(header[start + 1])


def _column(row: dict[str, str], *starts: str) -> str:
    return next((v for k, v in row.items() if k.startswith(starts)), "")


def datev_account(konto: str, length: int) -> str:
    """DATEV account numbers drop and pad leading zeros: with general-ledger accounts of
    `length` digits, 400 is account 0400 and 0001200 is 1200; longer numbers are personal
    (customer and supplier) accounts."""
    number = int(konto)
    return str(number).zfill(length) if number < 10**length else str(number)


def datev_accounts(path: Path) -> list[str]:
    """The accounts a DATEV file names: both sides of each posting, or its account list."""
    header, rows = _datev_rows(path)
    length = _ledger_length(header)
    accounts = []
    for row in rows:
        for konto in (_column(row, "Konto"), _column(row, "Gegenkonto")):
            if konto.strip().isdigit():
                accounts.append(datev_account(konto.strip(), length))
    return accounts


def datev_trial_balance(path: Path) -> dict[str, Decimal]:
    """A posting batch summed per account: `S` debits the account and credits the
    counter-account, `H` the reverse."""
    header, rows = _datev_rows(path)
    length = _ledger_length(header)
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        amount = Decimal(_column(row, "Umsatz").replace(".", "").replace(",", "."))
        sign = 1 if _column(row, "Soll/Haben", "S/H") == "S" else -1
        balances[datev_account(_column(row, "Konto"), length)] += sign * amount
        balances[datev_account(_column(row, "Gegenkonto"), length)] -= sign * amount
    return dict(balances)
