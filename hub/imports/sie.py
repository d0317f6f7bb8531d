"""The SIE reader (SIE-Gruppen's format 4B, file types 1 to 4 and 4I): a Swedish accounting
program's export becomes the period's trial balance, checked against itself.

One pass over the file, memory bounded by its accounts and months, not its vouchers:

- identification (`#PROGRAM`, `#FNAMN`, `#ORGNR`, `#RAR`, `#VALUTA`), accounts (`#KONTO`,
  `#KTYP`), balances per year (`#IB`, `#UB`, `#RES`), per month (`#PSALDO` without objects) and
  vouchers (`#VER` with its `#TRANS` rows, summed per account and the voucher's month: the
  voucher's date places it in a period, a row's own date is checked, not used; `#RTRANS` is
  followed by its `#TRANS` twin and counted once, `#BTRANS` was removed and is not counted);
- each voucher must balance, each account and amount must be a number, each date a date;
- the trial balance of the period's last day is taken, in this order of preference, from
  `#UB`/`#RES` of the fiscal year (the period ends with the year), from `#IB` plus the `#PSALDO`
  months of the year up to the period's end, or from `#IB` plus the vouchers up to that day;
- it must sum to zero. A file whose result is already booked in equity (the balance sheet sums
  to zero by itself) is taken before closing: the booked result is taken out of the equity
  account that holds it, which must equal `#RES`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import PurePath

from hub.imports.formats import Progress, Source
from hub.imports.model import ImportProblem, Ledger, LedgerBalance
from hub.imports.sie_text import EncodingProblem, decoded_blocks, fields

ZERO = Decimal(0)
MAX_PROBLEMS = 50
_ACCOUNT = re.compile(r"\d+")
_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
# BAS accounts a closed year's result is booked on: "Årets resultat" (companies) and the
# owner's equity of a sole trader.
_RESULT_IN_EQUITY = ("2099", "2019", "2010")
_PRIOR_RESULT = "2098"


class Refused(Exception):
    pass


class _Voucher:
    __slots__ = ("broken", "cents", "day", "line", "month", "serial", "series", "total")

    def __init__(self, line: int, series: str, serial: str, day: str) -> None:
        self.line = line
        self.series = series
        self.serial = serial
        self.day = day  # yyyymmdd, "" when it is not a date
        self.month = day[:6]  # for rows without their own date
        self.total = ZERO  # rows read by the general reader
        self.cents = 0  # rows read whole, in cents
        self.broken = False  # a row was refused: its balance says nothing more

    @property
    def label(self) -> str:
        """As people name a voucher: "A 12 (2024-01-05)"."""
        day = _date(self.day)
        return f"{self.series} {self.serial}".strip() + ("" if day is None else f" ({day})")


@dataclasses.dataclass
class _File:
    """What has been read so far; `problems` collects every located error."""

    program: str | None = None
    program_version: str | None = None
    sie_type: str | None = None
    company: str | None = None
    organisation_number: str | None = None
    currency: str | None = None
    years: dict[int, tuple[dt.date, dt.date, int]] = dataclasses.field(default_factory=dict)
    names: dict[str, str] = dataclasses.field(default_factory=dict)
    kinds: dict[str, str] = dataclasses.field(default_factory=dict)
    not_numbers: dict[str, int] = dataclasses.field(default_factory=dict)
    opening: dict[tuple[int, str], Decimal] = dataclasses.field(default_factory=dict)
    closing: dict[tuple[int, str], Decimal] = dataclasses.field(default_factory=dict)
    result: dict[tuple[int, str], Decimal] = dataclasses.field(default_factory=dict)
    months: dict[tuple[int, str, str], Decimal] = dataclasses.field(default_factory=dict)
    moves: dict[tuple[str, str], Decimal] = dataclasses.field(default_factory=dict)
    cents: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)  # month, account
    vouchers: int = 0
    rows: int = 0
    removed_rows: int = 0
    voucher: _Voucher | None = None
    open_block: bool = False
    pending_added: tuple[str, Decimal, str] | None = None  # an #RTRANS awaiting its twin
    problems: list[ImportProblem] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def problem(self, line: int | None, column: int | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(ImportProblem(line=line, column=column, message=message))


@functools.lru_cache(maxsize=4096)
def _date(text: str) -> dt.date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _amount(state: _File, line: int, column: int, text: str) -> Decimal | None:
    if _AMOUNT.fullmatch(text) is None:
        state.problem(line, column, f"{text!r} is not an amount (digits, '.' for decimals)")
        return None
    return Decimal(text)


def _account(state: _File, line: int, column: int, text: str) -> str | None:
    if _ACCOUNT.fullmatch(text) is None:
        state.problem(line, column, f"account {text!r} is not a number")
        return None
    return text


def _year(state: _File, line: int, column: int, text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        state.problem(line, column, f"year {text!r} is not a number (0, -1, …)")
        return None


def _need(state: _File, line: int, parts: list[str], count: int, shape: str) -> bool:
    if len(parts) < count:
        state.problem(line, None, f"{parts[0]} needs {shape}")
        return False
    return True


def _program(state: _File, line: int, parts: list[str]) -> None:
    state.program = parts[1] if len(parts) > 1 else None
    state.program_version = parts[2] if len(parts) > 2 else None


def _sie_type(state: _File, line: int, parts: list[str]) -> None:
    if len(parts) > 1:
        state.sie_type = parts[1]


def _company(state: _File, line: int, parts: list[str]) -> None:
    if len(parts) > 1:
        state.company = parts[1]


def _organisation(state: _File, line: int, parts: list[str]) -> None:
    if len(parts) > 1:
        state.organisation_number = parts[1]


def _currency(state: _File, line: int, parts: list[str]) -> None:
    if len(parts) > 1:
        state.currency = parts[1].upper()


def _fiscal_year(state: _File, line: int, parts: list[str]) -> None:
    if len(parts) == 2:
        state.notes.append(f"#RAR {parts[1]} on line {line} states no dates: passed over")
        return
    if not _need(state, line, parts, 4, "a year number, a first and a last day"):
        return
    year = _year(state, line, 2, parts[1])
    first, last = _date(parts[2]), _date(parts[3])
    if first is None:
        state.problem(line, 3, f"{parts[2]!r} is not a date (yyyymmdd)")
    if last is None:
        state.problem(line, 4, f"{parts[3]!r} is not a date (yyyymmdd)")
    if year is not None and first is not None and last is not None:
        if last < first:
            state.problem(line, 4, f"the fiscal year ends ({last}) before it starts ({first})")
        state.years[year] = (first, last, line)


def _konto(state: _File, line: int, parts: list[str]) -> None:
    if len(parts) < 2:
        state.problem(line, None, "#KONTO needs an account number and its name")
        return
    if _ACCOUNT.fullmatch(parts[1]) is None:
        state.not_numbers.setdefault(parts[1], line)
        return
    if len(parts) > 2:
        state.names[parts[1]] = parts[2]


def _ktyp(state: _File, line: int, parts: list[str]) -> None:
    if len(parts) > 2 and _ACCOUNT.fullmatch(parts[1]):
        state.kinds[parts[1]] = parts[2].upper()


def _year_balance(target: str) -> Callable[[_File, int, list[str]], None]:
    def read(state: _File, line: int, parts: list[str]) -> None:
        if not _need(state, line, parts, 4, "a year number, an account and an amount"):
            return
        year = _year(state, line, 2, parts[1])
        account = _account(state, line, 3, parts[2])
        amount = _amount(state, line, 4, parts[3])
        if year is None or account is None or amount is None:
            return
        balances: dict[tuple[int, str], Decimal] = getattr(state, target)
        key = (year, account)
        balances[key] = balances.get(key, ZERO) + amount

    return read


def _period_balance(count: bool) -> Callable[[_File, int, list[str]], None]:
    def read(state: _File, line: int, parts: list[str]) -> None:
        if not _need(state, line, parts, 6, "a year, a month, an account, objects, an amount"):
            return
        year = _year(state, line, 2, parts[1])
        month = parts[2]
        if len(month) != 6 or _date(month + "01") is None:
            state.problem(line, 3, f"{month!r} is not a month (yyyymm)")
            return
        account = _account(state, line, 4, parts[3])
        amount = _amount(state, line, 6, parts[5])
        if year is None or account is None or amount is None or not count:
            return
        if parts[4].strip("{} \t"):
            return  # an object's share of the month: the account's total has its own row
        key = (year, month, account)
        state.months[key] = state.months.get(key, ZERO) + amount

    return read


def _ver(state: _File, line: int, parts: list[str]) -> None:
    if not _need(state, line, parts, 4, "a series, a number and a date"):
        _close_voucher(state, line, expected=False)
        state.voucher = _Voucher(line, "?", "", "")
        return
    _start(state, line, parts[1], parts[2], parts[3])


def _start(state: _File, line: int, series: str, serial: str, text: str) -> None:
    _close_voucher(state, line, expected=False)
    text = text.strip('"')
    day = _date(text)
    if day is None:
        state.problem(line, 4, f"{text!r} is not a date (yyyymmdd)")
    state.voucher = _Voucher(line, series, serial, text if day is not None else "")
    state.vouchers += 1


def _open(state: _File, line: int, parts: list[str]) -> None:
    if state.voucher is None or state.open_block:
        state.problem(line, None, "'{' without a #VER before it")
        return
    state.open_block = True


def _close(state: _File, line: int, parts: list[str]) -> None:
    if not state.open_block:
        state.problem(line, None, "'}' without its '{'")
        return
    _close_voucher(state, line, expected=True)


def _close_voucher(state: _File, line: int, *, expected: bool) -> None:
    _settle_added(state)
    voucher = state.voucher
    if voucher is None:
        return
    if state.open_block and not expected:
        state.problem(voucher.line, None, f"voucher {voucher.label}: its '{{' is never closed")
    elif (voucher.total or voucher.cents) and not voucher.broken:
        total = voucher.total + Decimal(voucher.cents).scaleb(-2)
        if total:
            side = "debits exceed credits" if total > 0 else "credits exceed debits"
            state.problem(
                voucher.line,
                None,
                f"voucher {voucher.label} does not balance: {side} by {abs(total)}",
            )
    state.voucher = None
    state.open_block = False


def _book(state: _File, line: int, account: str, amount: Decimal, day: str | None) -> None:
    voucher = state.voucher
    if voucher is None or not state.open_block:
        state.problem(line, None, "#TRANS outside a voucher's '{' … '}'")
        return
    voucher.total += amount
    state.rows += 1
    key = (account, voucher.month)
    state.moves[key] = state.moves.get(key, ZERO) + amount


def _settle_added(state: _File) -> None:
    """An #RTRANS not followed by its #TRANS twin counts by itself."""
    if state.pending_added is not None:
        account, amount, day = state.pending_added
        state.pending_added = None
        _book(state, 0, account, amount, day or None)


def _trans_fields(state: _File, line: int, parts: list[str]) -> tuple[str, Decimal, str] | None:
    if not _need(state, line, parts, 4, "an account, objects and an amount"):
        return None
    account = _account(state, line, 2, parts[1])
    amount = _amount(state, line, 4, parts[3])
    day = parts[4] if len(parts) > 4 else ""
    if day and _date(day) is None:
        state.problem(line, 5, f"{day!r} is not a date (yyyymmdd)")
        return None
    if account is None or amount is None:
        return None
    return account, amount, day


def _trans(state: _File, line: int, parts: list[str]) -> None:
    row = _trans_fields(state, line, parts)
    if row is None:
        if state.voucher is not None:
            state.voucher.broken = True
        return
    if state.pending_added is not None and state.pending_added == row:
        state.pending_added = None
    else:
        _settle_added(state)
    _book(state, line, row[0], row[1], row[2] or None)


def _added(state: _File, line: int, parts: list[str]) -> None:
    row = _trans_fields(state, line, parts)
    _settle_added(state)
    state.pending_added = row


def _removed(state: _File, line: int, parts: list[str]) -> None:
    if _trans_fields(state, line, parts) is not None:
        state.removed_rows += 1


# A label's reader; labels not listed (#ADRESS, #DIM, #OBJEKT, #SRU, #KSUMMA, …) carry nothing
# the trial balance needs and are passed over, as SIE 4B asks of readers.
_LABELS: dict[str, Callable[[_File, int, list[str]], None]] = {
    "#PROGRAM": _program,
    "#SIETYP": _sie_type,
    "#FNAMN": _company,
    "#ORGNR": _organisation,
    "#VALUTA": _currency,
    "#RAR": _fiscal_year,
    "#KONTO": _konto,
    "#KTYP": _ktyp,
    "#IB": _year_balance("opening"),
    "#UB": _year_balance("closing"),
    "#RES": _year_balance("result"),
    "#PSALDO": _period_balance(count=True),
    "#PBUDGET": _period_balance(count=False),
    "#VER": _ver,
    "{": _open,
    "}": _close,
    "#TRANS": _trans,
    "#RTRANS": _added,
    "#BTRANS": _removed,
}


def _scan(source: Source, state: _File, progress: Progress | None) -> None:
    """Read every line. The common lines — voucher rows with a plain account, objects, an
    amount in two decimals and an optional date; voucher heads; braces — are read here with
    `str.split`, as fast as a line format allows; every other line (quoted accounts, other
    amounts, other labels) goes to the general tokenizer and its label's reader, which check
    every field."""
    cents = state.cents
    date = _date
    number = rows = reported = 0
    voucher: _Voucher | None = None
    in_block = fast = False
    # The open voucher's sum, date and month's accounts, kept here while its rows are read.
    voucher_cents, voucher_day, bucket = 0, "", cents.setdefault("", {})
    for block, before, done in decoded_blocks(source.chunks()):
        number = before
        plain = "_" not in block and "+" not in block
        for text in block.split("\n"):
            number += 1
            parts = text.split(None, 5)
            if not parts:
                continue
            head = parts[0]
            if head == "#TRANS" and fast and len(parts) > 3:
                if parts[2] == "{}":
                    amount = parts[3]
                    day = parts[4] if len(parts) > 4 else ""
                elif parts[2][:1] == "{" and (close := text.find("}")) > 0:
                    tail = text[close + 1 :].split(None, 2)
                    amount = tail[0] if tail else ""
                    day = tail[1] if len(tail) > 1 else ""
                else:
                    amount = ""
                account = parts[1]
                # Two decimals and nothing else int() would take ("1_0", "+1", "1.2.3"): in
                # cents. Blocks with no "_" or "+" anywhere need not look for them per row.
                if (
                    amount[-3:-2] == "."
                    and account.isdigit()
                    and (plain or ("_" not in amount and amount[:1] != "+"))
                ):
                    digits = amount.replace(".", "")
                    target = None
                    if len(digits) + 1 == len(amount):
                        try:
                            value = int(digits)
                            target = bucket
                        except ValueError:
                            pass
                    if target is not None and day and day != voucher_day:
                        day = day.strip('"')
                        if day and (len(day) != 8 or date(day) is None):
                            target = None
                    if target is not None:
                        voucher_cents += value
                        target[account] = target.get(account, 0) + value
                        rows += 1
                        continue
            elif len(parts) == 1 and voucher is not None:
                if head == "{" and not in_block:
                    in_block = True
                    fast = state.pending_added is None
                    continue
                if head == "}" and fast and not voucher_cents and not voucher.total:
                    voucher = None
                    in_block = fast = False
                    continue
            elif (
                head == "#VER"
                and len(parts) > 3
                and voucher is None
                and parts[1].count('"') in (0, 2)
                and parts[2].count('"') in (0, 2)
                and (day := parts[3].strip('"'))
                and date(day) is not None
            ):
                voucher = _Voucher(number, parts[1].strip('"'), parts[2].strip('"'), day)
                voucher_cents, voucher_day = 0, day
                bucket = cents.setdefault(voucher.month, {})
                state.vouchers += 1
                continue
            if voucher is not None:
                voucher.cents = voucher_cents
            state.voucher, state.open_block = voucher, in_block
            _general(state, number, text)
            voucher, in_block = state.voucher, state.open_block
            fast = in_block and state.pending_added is None
            if voucher is not None:
                voucher_cents, voucher_day = voucher.cents, voucher.day
                bucket = cents.setdefault(voucher.month, {})
        if progress is not None and done - reported >= 1 << 20:
            progress(done)
            reported = done
    state.rows += rows
    if voucher is not None:
        voucher.cents = voucher_cents
    state.voucher, state.open_block = voucher, in_block
    _close_voucher(state, number, expected=False)
    for month, accounts in cents.items():
        for account, value in accounts.items():
            key = (account, month)
            state.moves[key] = state.moves.get(key, ZERO) + Decimal(value).scaleb(-2)


def _general(state: _File, number: int, text: str) -> None:
    parts = fields(text)
    if not parts or parts[0] == "\x1a":  # blank, or a DOS end-of-file mark
        return
    label = parts[0].upper()
    handler = _LABELS.get(label)
    if handler is not None:
        handler(state, number, parts)
    elif not label.startswith("#"):
        state.problem(number, 1, f"{parts[0][:40]!r} is not a SIE label (#…)")


def read(
    sources: Sequence[Source],
    first_day: dt.date,
    last_day: dt.date,
    progress: Progress | None,
    options: Mapping[str, object],
) -> tuple[Ledger | None, list[ImportProblem]]:
    """The trial balance at `last_day` from one SIE file; see the module."""
    if len(sources) != 1:
        return None, [_whole(f"send one SIE file per import, not {len(sources)}")]
    source = sources[0]
    state = _File()
    try:
        _scan(source, state, progress)
    except EncodingProblem as problem:
        return None, [ImportProblem(line=problem.line, column=None, message=problem.message)]
    if state.problems:
        return None, state.problems
    try:
        year_start = options.get("fiscal_year_start", first_day)
        assert isinstance(year_start, dt.date)
        return _ledger(source, state, first_day, last_day, year_start), []
    except Refused as refused:
        return None, [_whole(str(refused))]


def _whole(message: str) -> ImportProblem:
    return ImportProblem(line=None, column=None, message=message)


def _year_of(state: _File, first_day: dt.date, last_day: dt.date) -> tuple[int, dt.date, dt.date]:
    for year, (first, last, _) in sorted(state.years.items(), reverse=True):
        if first <= first_day and last_day <= last:
            return year, first, last
    if not state.years:
        raise Refused(
            "the file has no fiscal year (#RAR): it cannot say which year its figures belong to"
        )
    stated = "; ".join(
        f"#RAR {year} (line {line}): {first} to {last}"
        for year, (first, last, line) in sorted(state.years.items(), reverse=True)
    )
    raise Refused(f"the file's fiscal years do not cover {first_day} to {last_day}: {stated}")


def _sum(balances: dict[tuple[int, str], Decimal], year: int) -> Decimal:
    return sum((v for (y, _), v in balances.items() if y == year), ZERO)


def _before_closing(
    balances: dict[str, Decimal], state: _File, year: int, notes: list[str]
) -> None:
    """Check #UB against #IB and #RES, and take a closed year before closing.

    The year's bookings balance, so the balance sheet's movement (#UB - #IB) and the result
    (#RES) cancel out while the books are open. Once the result is booked in equity (closed),
    the movement is zero by itself: the booked result is taken out of the equity account it
    went to (2099 "Årets resultat", or a sole trader's 2019/2010).
    """
    movement = _sum(state.closing, year) - _sum(state.opening, year)
    result = _sum(state.result, year)
    if movement + result == 0:
        return
    if movement == 0:
        held = [
            account
            for account in _RESULT_IN_EQUITY
            if (year, account) in state.closing or (year, account) in state.opening
        ]
        exact = [
            a
            for a in held
            if state.closing.get((year, a), ZERO) - state.opening.get((year, a), ZERO) == result
        ]
        if not held:
            raise Refused(
                f"#RES gives a result ({_profit(result)}), the balance sheet (#UB) moves by "
                f"nothing, and no equity account ({', '.join(_RESULT_IN_EQUITY)}) is there to "
                "hold it: #RES and #UB disagree"
            )
        account = (exact or held)[0]
        balances[account] = balances.get(account, ZERO) - result
        notes.append(
            f"the year's result ({_profit(result)}) is booked in equity on {account} in the "
            "file; the trial balance is taken before closing, without it"
        )
        return
    raise Refused(
        f"#UB, #IB and #RES of year {year} disagree: the balance sheet moves by {movement} "
        f"(#UB - #IB) while the result accounts (#RES) sum to {result}; the two must cancel "
        f"out (difference {movement + result})"
    )


def _opening_gap(balances: dict[str, Decimal], state: _File, year: int, notes: list[str]) -> None:
    """Opening balances that do not sum to zero miss the earlier years' result, not yet booked
    in equity when the year was opened; it goes to BAS 2098 ("Vinst eller förlust från
    föregående år") and, when the file has the previous year's #RES, must equal it."""
    gap = _sum(state.opening, year)
    if not gap:
        return
    previous = year - 1
    if any(y == previous for y, _ in state.result):
        stated = _sum(state.result, previous)
        if stated != -gap:
            raise Refused(
                f"the opening balances (#IB {year}) sum to {gap}, which is not the previous "
                f"year's result (#RES {previous}: {_profit(stated)})"
            )
    balances[_PRIOR_RESULT] = balances.get(_PRIOR_RESULT, ZERO) - gap
    notes.append(
        f"the opening balances (#IB) sum to {gap}: the earlier years' result "
        f"({_profit(-gap)}) was "
        f"not booked in equity when the year was opened; it is put on {_PRIOR_RESULT}"
    )


def _months(first: dt.date, last_day: dt.date) -> set[str]:
    months = set()
    day = first.replace(day=1)
    while day <= last_day:
        months.add(f"{day.year:04d}{day.month:02d}")
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _month(yyyymm: str) -> str:
    return f"{yyyymm[:4]}-{yyyymm[4:]}"


def _profit(amount: Decimal) -> str:
    """A result said as people say it: a credit balance is a profit."""
    return f"{-amount} profit" if amount <= 0 else f"{amount} loss"


def _ledger(
    source: Source, state: _File, first_day: dt.date, last_day: dt.date, year_start: dt.date
) -> Ledger:
    notes: list[str] = list(state.notes)
    if state.years:
        year, first, last = _year_of(state, first_day, last_day)
        fiscal_year: tuple[dt.date, dt.date] | None = (first, last)
    else:
        year, first, last = 0, year_start, last_day
        fiscal_year = None
        notes.append(
            f"the file states no fiscal year (#RAR): the entity's, from {year_start}, is assumed"
        )
    has_year_end = any(y == year for y, _ in state.closing) or any(
        y == year for y, _ in state.result
    )
    has_months = any(y == year for y, _, _ in state.months)
    balances: dict[str, Decimal] = {}
    if last_day == last and has_year_end:
        for (y, account), amount in [*state.closing.items(), *state.result.items()]:
            if y == year:
                balances[account] = balances.get(account, ZERO) + amount
        _before_closing(balances, state, year, notes)
        _opening_gap(balances, state, year, notes)
        derived = f"#UB/#RES of year {year} ({first} to {last})"
    elif has_months or state.vouchers:
        for (y, account), amount in state.opening.items():
            if y == year:
                balances[account] = balances.get(account, ZERO) + amount
        months = _months(first, last_day)
        if has_months:
            for (y, month, account), amount in state.months.items():
                if y == year and month in months:
                    balances[account] = balances.get(account, ZERO) + amount
            derived = f"#IB and #PSALDO of {min(months)} to {max(months)}"
        else:
            for (account, month), amount in state.moves.items():
                if month in months:
                    balances[account] = balances.get(account, ZERO) + amount
            dated = sorted({month for _, month in state.moves if month})
            if dated and not any(month in months for month in dated):
                raise Refused(
                    f"no voucher of the file falls in the fiscal year to {last_day}: they are "
                    f"dated {_month(dated[0])} to {_month(dated[-1])}"
                )
            outside = [month for month in dated if month not in months]
            if outside:
                notes.append(
                    f"voucher rows dated {', '.join(_month(m) for m in outside[:12])} are "
                    f"outside {first} to {last_day}: left out"
                )
            derived = f"#IB and {state.vouchers:,} vouchers ({state.rows:,} rows) to {last_day}"
            if not any(y == year for y, _ in state.opening):
                notes.append(
                    "the file has no opening balances (#IB): balance-sheet accounts hold the "
                    "vouchers' movements only"
                )
        _opening_gap(balances, state, year, notes)
    elif has_year_end:
        raise Refused(
            f"the file holds year-end balances only (#UB/#RES, SIE type 1); the period ending "
            f"{last_day} needs monthly balances (#PSALDO, type 2 or 3) or vouchers (type 4)"
        )
    else:
        raise Refused("the file holds no balances (#UB/#RES, #PSALDO) and no vouchers (#VER)")
    total = sum(balances.values(), ZERO)
    if total:
        raise Refused(f"the trial balance at {last_day} does not sum to zero: {total}")
    for account, line in state.not_numbers.items():
        notes.append(
            f"account {account!r} declared on line {line} is not a number and carries no "
            "amount: left out"
        )
    if state.removed_rows:
        notes.append(f"{state.removed_rows} removed voucher rows (#BTRANS) are not counted")
    unnamed = sorted(a for a, v in balances.items() if v and a not in state.names)
    if unnamed:
        notes.append(f"accounts without a name in the file (#KONTO): {', '.join(unnamed[:20])}")
    kind = state.sie_type or "4"
    if PurePath(source.name).suffix.upper() == ".SI" and kind == "4":
        kind = "4I"
    return Ledger(
        format=f"SIE {kind}",
        program=state.program,
        program_version=state.program_version,
        organisation_number=state.organisation_number,
        company=state.company,
        currency=state.currency or "SEK",
        fiscal_year=fiscal_year,
        balances=tuple(
            LedgerBalance(account=account, amount=amount, name=state.names.get(account))
            for account, amount in sorted(balances.items())
            if amount
        ),
        derived_from=derived,
        notes=tuple(notes),
    )
