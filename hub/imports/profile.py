"""A column profile: how one entity's CSV or Excel trial balance is laid out, so that any
accounting package's export can be read (Belgium's PCMN ledgers, Austria's BMD or RZL, Italy's
software). Saved per entity by its national team or finance; proposed by `detect`.

Columns are named by one rule: `#N` is the N-th column, counted from 1 (`#1` is column A);
anything else is a header title, compared without case, accents or surrounding blanks, read from
the last of the `header_rows` rows before the data.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Literal

import msgspec

Kind = Literal["csv", "xlsx"]
Sign = Literal["debit-positive", "credit-positive"]
DECIMAL_SEPARATORS = (",", ".")
THOUSANDS_SEPARATORS = (".", ",", " ", "'")
MAX_HEADER_ROWS = 50


class ColumnProfile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Where each figure of a trial balance export is. Either `debit` and `credit` (two
    unsigned columns; the balance is debit minus credit) or one signed `balance` column, read
    with its `balance_sign`."""

    kind: Kind = "csv"
    encoding: str = "utf-8"  # csv only
    delimiter: str = ";"  # csv only
    quote: str = '"'  # csv only
    header_rows: int = 1  # rows before the data; the column titles are on the last of them
    sheet: str | None = None  # xlsx: the sheet's title; None: the first sheet
    account: str
    name: str | None = None
    debit: str | None = None
    credit: str | None = None
    balance: str | None = None
    balance_sign: Sign = "debit-positive"
    partner: str | None = None
    currency: str | None = None
    decimal_separator: str = ","
    thousands_separator: str | None = None

    def columns(self) -> dict[str, str]:
        """The profile's columns by role, those it names."""
        roles = {
            "account": self.account,
            "name": self.name,
            "debit": self.debit,
            "credit": self.credit,
            "balance": self.balance,
            "partner": self.partner,
            "currency": self.currency,
        }
        return {role: ref for role, ref in roles.items() if ref is not None}


def profile_problems(profile: ColumnProfile) -> list[str]:
    """Why the profile cannot read any file, in the user's words; empty when it can."""
    problems = []
    if (profile.debit is None) != (profile.credit is None):
        problems.append("give both a debit and a credit column, or one balance column")
    if profile.debit is not None and profile.balance is not None:
        problems.append("give either debit and credit columns or a balance column, not both")
    if profile.debit is None and profile.balance is None:
        problems.append("give the amount columns: debit and credit, or one balance column")
    if not 0 <= profile.header_rows <= MAX_HEADER_ROWS:
        problems.append(f"header rows must be between 0 and {MAX_HEADER_ROWS}")
    if profile.kind == "csv":
        if len(profile.delimiter) != 1 or profile.delimiter in "\r\n":
            problems.append(f"the delimiter must be one character, not {profile.delimiter!r}")
        if len(profile.quote) != 1 or profile.quote == profile.delimiter:
            problems.append(
                f"the quote must be one character other than the delimiter, not {profile.quote!r}"
            )
        problems.extend(_encoding_problems(profile.encoding))
    if profile.decimal_separator not in DECIMAL_SEPARATORS:
        problems.append(f"the decimal separator is ',' or '.', not {profile.decimal_separator!r}")
    thousands = profile.thousands_separator
    if thousands is not None and (
        thousands not in THOUSANDS_SEPARATORS or thousands == profile.decimal_separator
    ):
        problems.append(
            "the thousands separator is one of . , ' or a space, other than the decimal "
            f"separator, or none; not {thousands!r}"
        )
    for role, ref in profile.columns().items():
        number = column_number(ref)
        if not ref.strip():
            problems.append(f"the {role} column is empty: give its title or #N")
        elif ref.startswith("#") and number is None:
            problems.append(f"the {role} column {ref!r}: #N takes a column number from 1")
        elif number is None and profile.header_rows == 0:
            problems.append(
                f"the {role} column is named by title ({ref!r}) but the profile has no header "
                "row: name it #N"
            )
    refs = [normalise(ref) for ref in profile.columns().values()]
    repeated = sorted({ref for ref in refs if refs.count(ref) > 1})
    if repeated:
        problems.append(f"one column is given two roles: {', '.join(repeated)}")
    return problems


def _encoding_problems(encoding: str) -> list[str]:
    """Only encodings that write ASCII as ASCII: the file is split into lines before decoding."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        return [f"unknown encoding {encoding!r} (e.g. utf-8, utf-8-sig, cp1252, latin-1)"]
    try:
        ascii_compatible = b"Konto;1\r\n".decode(encoding) == "Konto;1\r\n"
    except UnicodeError:
        ascii_compatible = False
    if not ascii_compatible:
        return [f"the encoding {encoding!r} is not supported: save the file as UTF-8"]
    return []


def column_number(ref: str) -> int | None:
    """The 1-based number of a `#N` reference; None for a title."""
    match = re.fullmatch(r"#\s*([1-9][0-9]{0,3})", ref.strip())
    return int(match[1]) if match else None


def normalise(title: str) -> str:
    """A title as compared: without case, accents, or blanks around and within."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def letter(column: int) -> str:
    """The spreadsheet letter of a 1-based column: 1 -> A, 28 -> AB."""
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def resolve(profile: ColumnProfile, header: tuple[str, ...]) -> tuple[dict[str, int], list[str]]:
    """The 0-based index of each role's column in `header` (the titles), or why not."""
    titles = [normalise(t) for t in header]
    found: dict[str, int] = {}
    problems = []
    for role, ref in profile.columns().items():
        number = column_number(ref)
        if number is not None:
            found[role] = number - 1
            continue
        matches = [i for i, title in enumerate(titles) if title == normalise(ref)]
        if len(matches) == 1:
            found[role] = matches[0]
        elif matches:
            columns = " and ".join(f"#{i + 1}" for i in matches)
            problems.append(
                f"the {role} column {ref!r} is the title of columns {columns}: name it by number"
            )
        else:
            shown = ", ".join(repr(t) for t in header if t.strip()) or "none"
            problems.append(
                f"no column is titled {ref!r} (the {role} column); the titles are: {shown}"
            )
    return found, problems


class AmountError(ValueError):
    pass


_BLANKS = "\u00a0\u202f"


def amount_pattern(decimal_separator: str, thousands: str | None) -> re.Pattern[str]:
    """An amount as the profile writes it: digits grouped by threes when grouped, a sign before
    or after, or parentheses for a negative."""
    d = re.escape(decimal_separator)
    digits = r"\d+"
    if thousands is not None:
        t = "[ " + _BLANKS + "]" if thousands == " " else re.escape(thousands)
        digits = rf"(?:\d{{1,3}}(?:{t}\d{{3}})+|\d+)"
    return re.compile(rf"(?:{digits}(?:{d}\d*)?|{d}\d+)")


def parse_amount(
    text: str, decimal_separator: str, thousands: str | None, pattern: re.Pattern[str]
) -> Decimal:
    """The amount written in `text` ('' is zero); AmountError says why it is not one."""
    raw = text.strip().strip(_BLANKS)
    if not raw:
        return Decimal(0)
    negative = False
    body = raw
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body[:1] in "-+\u2212":
        negative, body = negative or body[0] != "+", body[1:].strip()
    elif body[-1:] in "-+\u2212":
        negative, body = negative or body[-1] != "+", body[:-1].strip()
    if not pattern.fullmatch(body):
        raise AmountError(_why_not(raw, decimal_separator, thousands))
    plain = body
    if thousands is not None:
        for mark in (thousands, *(_BLANKS if thousands == " " else "")):
            plain = plain.replace(mark, "")
    plain = plain.replace(decimal_separator, ".")
    try:
        amount = Decimal(plain)
    except InvalidOperation as error:
        raise AmountError(_why_not(raw, decimal_separator, thousands)) from error
    return -amount if negative else amount


def _why_not(raw: str, decimal_separator: str, thousands: str | None) -> str:
    grouped = f"{thousands!r} between thousands" if thousands else "no thousands separator"
    return (
        f"{raw!r} is not an amount as the profile writes them (decimal separator "
        f"{decimal_separator!r}, {grouped})"
    )
