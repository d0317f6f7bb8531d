"""What every national-format reader gives back: the period's trial balance as the file states
it, or every problem, located; pure data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec


class ImportProblem(msgspec.Struct, frozen=True, kw_only=True):
    """Why a file cannot be imported, located: `line` (1-based, None: the whole file) and
    `column` (1-based field, None: the whole line), in the user's words."""

    line: int | None
    column: int | None
    message: str

    def where(self) -> str:
        if self.line is None:
            return "the file"
        return f"line {self.line}" + ("" if self.column is None else f", field {self.column}")


class LedgerBalance(msgspec.Struct, frozen=True, kw_only=True):
    """One account's balance for the period, debit positive, credit negative, in the file's
    currency; `name` is the account's own name in the file; `partner` the network entity the
    source says the balance is with (intra-network), when it says so."""

    account: str
    amount: Decimal
    name: str | None = None
    partner: str | None = None


class Ledger(msgspec.Struct, frozen=True, kw_only=True):
    format: str  # "SIE 4", "SIE 1", "DATEV EXTF 700", "CSV", "XLSX"
    program: str | None  # the exporting program, as the file says
    program_version: str | None
    organisation_number: str | None
    company: str | None
    currency: str | None  # ISO code, when the file states one
    fiscal_year: tuple[dt.date, dt.date] | None  # the file's fiscal year containing the period
    balances: tuple[LedgerBalance, ...]  # every account with a non-zero balance
    derived_from: str  # how: "#UB/#RES of year 0", "vouchers", "#PSALDO 202401-202403"
    notes: tuple[str, ...] = ()  # what the user should know, e.g. accounts without a name
