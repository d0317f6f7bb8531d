"""Guess a column profile from the start of a file, for a person to confirm: its encoding,
delimiter, header row, which column is the account, the name, the amounts, and how amounts are
written. Every guess is said in the notes; what could not be decided is listed as undecided."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import msgspec

from hub.imports.formats import Source
from hub.imports.profile import (
    ColumnProfile,
    amount_pattern,
    letter,
    normalise,
    parse_amount,
    profile_problems,
)
from hub.imports.rows import DEFAULT_LIMITS, Row, RowsError, Sheet, is_xlsx
from hub.imports.table import ReadRow, Table, data_rows

SAMPLE_BYTES = 64 * 1024
SAMPLE_ROWS = 200
PREVIEW_ROWS = 10
DELIMITERS = (";", "\t", ",", "|")

# Column titles in the network's languages (German, French, Italian, Dutch, English, Swedish),
# as compared: lower case, without accents or punctuation.
TITLES: dict[str, tuple[str, ...]] = {
    "account": (
        "konto", "kontonummer", "kontonr", "konto nr", "kto", "ktonr", "sachkonto",
        "compte", "n compte", "no compte", "numero de compte", "numero compte", "code compte",
        "conto", "codice conto", "cod conto", "numero conto", "sottoconto",
        "rekening", "rekeningnummer", "grootboekrekening", "rekeningnr",
        "account", "account number", "account no", "gl account", "konto nummer",
    ),
    "name": (
        "bezeichnung", "kontobezeichnung", "benennung", "kontoname", "text",
        "libelle", "intitule", "intitule du compte", "libelle du compte", "nom",
        "descrizione", "descrizione conto", "denominazione",
        "omschrijving", "naam", "benaming",
        "name", "account name", "description", "kontonamn", "benamning",
    ),
    "debit": (
        "soll", "sollsaldo", "saldo soll", "soll saldo", "debit", "debits", "total debit",
        "solde debiteur", "dare", "saldo dare", "totale dare", "debet", "debit balance",
        "dr",
    ),
    "credit": (
        "haben", "habensaldo", "saldo haben", "haben saldo", "credit", "credits",
        "total credit", "solde crediteur", "avere", "saldo avere", "totale avere", "kredit",
        "credit balance", "cr",
    ),
    "balance": (
        "saldo", "solde", "balance", "endsaldo", "schlusssaldo", "saldo aktuell",
        "solde final", "solde de cloture", "saldo finale", "saldo di chiusura", "eindsaldo",
        "closing balance", "utgaende saldo",
    ),
    "partner": (
        "partner", "partenaire", "partner entity", "ic partner", "intercompany",
        "gesellschaft", "societa", "vennootschap", "entity",
    ),
    "currency": ("currency", "wahrung", "devise", "monnaie", "valuta", "munt", "iso"),
}  # fmt: skip


def title_role(title: str) -> str | None:
    plain = " ".join(re.sub(r"[^\w]+", " ", normalise(title)).split())
    return next((role for role, words in TITLES.items() if plain in words), None)


class PreviewRow(msgspec.Struct, frozen=True, kw_only=True):
    """A data row as the proposal reads it: the balance debit positive, or why it is not read."""

    line: int
    account: str | None
    name: str | None
    partner: str | None
    amount: Decimal | None
    problem: str | None = None


class Detected(msgspec.Struct, frozen=True, kw_only=True):
    """A proposal (None when the account or amount columns could not be found), the first rows
    read with it, what was guessed and on what grounds, and what could not be decided."""

    profile: ColumnProfile | None
    headers: tuple[str, ...]
    preview: tuple[PreviewRow, ...]
    notes: tuple[str, ...]
    undecided: tuple[str, ...]


def sample_of(source: Source) -> bytes:
    """What `detect` needs: a workbook whole, a text file's first 64 KiB (whole lines)."""
    data = bytearray()
    for chunk in source.chunks():
        data += chunk
        if len(data) >= SAMPLE_BYTES and not is_xlsx(bytes(data[:8])):
            cut = data.rfind(b"\n", 0, SAMPLE_BYTES)
            return bytes(data[: cut + 1 if cut > 0 else SAMPLE_BYTES])
    return bytes(data)


def detect(sample: bytes, file_name: str) -> Detected:
    """The proposal for a file, from its first bytes (see `sample_of`); see the module."""
    notes: list[str] = []
    if is_xlsx(sample[:8]) or file_name.lower().endswith((".xlsx", ".xlsm")):
        try:
            sheet = Sheet(sample, None, DEFAULT_LIMITS, DEFAULT_LIMITS.max_trial_balance_rows)
            rows = []
            for row in sheet.rows():
                rows.append(row)
                if len(rows) >= SAMPLE_ROWS:
                    break
        except RowsError as error:
            return _nothing(error.problem.message)
        notes.append(f"an Excel workbook: its first sheet, {sheet.title}, is read")
        base = ColumnProfile(kind="xlsx", sheet=sheet.title, account="#1", balance="#2")
        return _columns(base, rows, notes, sheet.title)
    encoding, why = _encoding(sample)
    notes.append(why)
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    delimiter, why = _delimiter(text)
    if delimiter is None:
        return _nothing(why, notes)
    notes.append(why)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    rows = []
    start = 1
    try:
        for record in reader:
            rows.append((start, tuple(record)))
            start = reader.line_num + 1
            if len(rows) >= SAMPLE_ROWS:
                break
    except csv.Error as error:
        notes.append(f"line {reader.line_num} is not CSV ({error}): the rows above are used")
    base = ColumnProfile(encoding=encoding, delimiter=delimiter, account="#1", balance="#2")
    return _columns(base, rows, notes, None)


def _nothing(why: str, notes: Sequence[str] = ()) -> Detected:
    return Detected(profile=None, headers=(), preview=(), notes=tuple(notes), undecided=(why,))


def _encoding(sample: bytes) -> tuple[str, str]:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "encoding utf-8-sig: the file starts with a UTF-8 byte order mark"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "encoding utf-8: every byte is valid UTF-8"
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1", "encoding latin-1: the file is neither UTF-8 nor Windows-1252 text"
    return "cp1252", "encoding cp1252 (Windows Western European): the file is not UTF-8"


def _delimiter(text: str) -> tuple[str | None, str]:
    """The delimiter that splits the most lines into the same number (two or more) of fields."""
    lines = [line for line in text.splitlines()[:SAMPLE_ROWS] if line.strip()]
    best: tuple[int, int, str] | None = None
    for rank, delimiter in enumerate(DELIMITERS):
        counts = Counter(_widths(lines, delimiter))
        width, rows = max(counts.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        if width >= 2 and (best is None or (rows, -rank) > (best[0], best[1])):
            best = (rows, -rank, delimiter)
    if best is None:
        return None, "no delimiter (; tab , |) splits the lines into columns"
    shown = {"\t": "tab"}.get(best[2], repr(best[2]))
    return best[2], f"delimiter {shown}: it splits {best[0]} of {len(lines)} lines alike"


def _widths(lines: list[str], delimiter: str) -> Iterator[int]:
    """The number of fields of each record, up to the first that is not CSV."""
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        yield from (len(record) for record in reader if record)
    except csv.Error:
        return


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_ACCOUNT = re.compile(r"\d{2,}[\d.\-/ ]*")
_COMMA = re.compile(r"^[-(]?\d{1,3}(?:\.\d{3})+(?:,\d*)?\)?-?$|^[-(]?\d+,\d{1,2}\)?-?$")
_DOT = re.compile(r"^[-(]?\d{1,3}(?:,\d{3})+(?:\.\d*)?\)?-?$|^[-(]?\d+\.\d{1,2}\)?-?$")
_NUMBER = re.compile(r"^[-(]?[\d.,' \u00a0]*\d[\d.,' \u00a0]*\)?-?$")


def _is_number(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return bool(_NUMBER.match(_cell(value))) if _cell(value) else False


def _header(rows: list[Row]) -> int:
    """The index of the row of column titles (the first with two known titles), or -1."""
    for index, (_, cells) in enumerate(rows[:30]):
        if sum(1 for c in cells if title_role(_cell(c)) is not None) >= 2:
            return index
    return -1


def _columns(base: ColumnProfile, rows: list[Row], notes: list[str], sheet: str | None) -> Detected:
    undecided: list[str] = []
    at = _header(rows)
    headers = tuple(_cell(c) for c in rows[at][1]) if at >= 0 else ()
    body = [cells for _, cells in rows[at + 1 :] if any(_cell(c) for c in cells)]
    width = max((len(cells) for cells in body), default=0)

    def values(index: int) -> list[Any]:
        return [cells[index] for cells in body if index < len(cells) and _cell(cells[index])]

    if at >= 0:
        header_rows = rows[at][0]
        notes.append(f"the column titles are on row {header_rows}")
        ref = {
            i: title if title and headers.count(title) == 1 else f"#{i + 1}"
            for i, title in enumerate(headers)
        }
    else:
        first = next((i for i, (_, cells) in enumerate(rows) if _looks_data(cells)), 0)
        header_rows = rows[first][0] - 1 if rows else 0
        body = [cells for _, cells in rows[first:] if any(_cell(c) for c in cells)]
        ref = {i: f"#{i + 1}" for i in range(width)}
        undecided.append("no row of known column titles: the columns are proposed by number")
    by_title = {title_role(t): i for i, t in reversed(list(enumerate(headers)))}
    roles: dict[str, int] = {}
    account_like = [i for i in range(width) if _account_like(values(i), len(body))]
    account = by_title.get("account")
    if account is not None and account in account_like:
        roles["account"] = account
    elif account_like:
        roles["account"] = account_like[0]
        notes.append(f"the account is column {_named(ref, account_like[0])}: digits, unique")
    else:
        undecided.append("which column holds the account (no column of mostly unique numbers)")
    numeric = [
        i
        for i in range(width)
        if i != roles.get("account") and values(i) and all(_is_number(v) for v in values(i))
    ]
    for role in ("name", "partner", "currency"):
        if role in by_title and by_title[role] != roles.get("account"):
            roles[role] = by_title[role]
    if "name" not in roles and "account" in roles:
        text = [i for i in range(width) if i not in numeric and i != roles["account"]]
        if text:
            roles["name"] = text[0]
    amounts = _amounts(by_title, numeric, body, notes, undecided)
    roles |= amounts
    decimal, thousands = _separators([v for i in numeric for v in values(i)], notes)
    sign = _sign(roles, by_title, body, decimal, thousands, notes, undecided)
    if "account" not in roles or not amounts:
        return Detected(
            profile=None,
            headers=headers,
            preview=(),
            notes=tuple(notes),
            undecided=tuple(undecided),
        )
    profile = msgspec.structs.replace(
        base,
        header_rows=header_rows,
        balance_sign=sign,
        decimal_separator=decimal,
        thousands_separator=thousands,
        **(_NO_AMOUNTS | {role: ref.get(i, f"#{i + 1}") for role, i in roles.items()}),
    )
    undecided += profile_problems(profile)
    return Detected(
        profile=profile,
        headers=headers,
        preview=preview(profile, rows, sheet),
        notes=tuple(notes),
        undecided=tuple(undecided),
    )


_NO_AMOUNTS: dict[str, str | None] = {"debit": None, "credit": None, "balance": None}


def _named(ref: dict[int, str], index: int) -> str:
    title = ref.get(index, f"#{index + 1}")
    return f"{letter(index + 1)} ({title})" if not title.startswith("#") else letter(index + 1)


def _looks_data(cells: tuple[Any, ...]) -> bool:
    texts = [_cell(c) for c in cells]
    return bool(texts) and bool(_ACCOUNT.fullmatch(texts[0])) and any(map(_is_number, cells[1:]))


def _account_like(values: list[Any], rows: int) -> bool:
    texts = [_cell(v) for v in values]
    accounts = [t for t in texts if _ACCOUNT.fullmatch(t)]
    return len(accounts) >= max(1, 0.8 * rows) and len(set(accounts)) >= 0.9 * len(accounts)


def _amounts(
    by_title: dict[str | None, int],
    numeric: list[int],
    body: list[tuple[Any, ...]],
    notes: list[str],
    undecided: list[str],
) -> dict[str, int]:
    if "balance" in by_title:
        found = {"balance": by_title["balance"]}
        if "debit" in by_title and "credit" in by_title:
            notes.append(
                "both debit/credit and balance columns: the balance column is read (it is the "
                "balance as the file states it)"
            )
        return found
    if "debit" in by_title and "credit" in by_title:
        return {"debit": by_title["debit"], "credit": by_title["credit"]}
    if len(numeric) == 1:
        undecided.append("the sign of the one amount column: debit positive is assumed")
        return {"balance": numeric[0]}
    if len(numeric) == 2:
        undecided.append("the two amount columns are taken as debit, then credit: check")
        return {"debit": numeric[0], "credit": numeric[1]}
    undecided.append(
        f"which of the {len(numeric)} numeric columns hold the balance"
        if numeric
        else "which column holds the amounts (no numeric column)"
    )
    return {}


def _separators(values: list[Any], notes: list[str]) -> tuple[str, str | None]:
    texts = [_cell(v) for v in values if isinstance(v, str)]
    comma = sum(1 for t in texts if _COMMA.match(t))
    dot = sum(1 for t in texts if _DOT.match(t))
    if not texts:
        notes.append("the amounts are numbers in the sheet: no separators to decide")
        return ",", None
    decimal = "," if comma > dot else "."
    other = "." if decimal == "," else ","
    grouped = any(other in t for t in texts)
    spaced = any(re.search(r"\d[ \u00a0]\d{3}", t) for t in texts)
    thousands = " " if spaced and not grouped else other
    seen = (
        ""
        if grouped or spaced
        else f" (none seen: next to a decimal {decimal!r}, {thousands!r} can only group thousands)"
    )
    notes.append(
        f"decimal separator {decimal!r} ({max(comma, dot)} of {len(texts)} amounts say so), "
        f"thousands separator {thousands!r}{seen}"
    )
    return decimal, thousands


def _sign(
    roles: dict[str, int],
    by_title: dict[str | None, int],
    body: list[tuple[Any, ...]],
    decimal: str,
    thousands: str | None,
    notes: list[str],
    undecided: list[str],
) -> Any:
    """The balance column's sign: from debit and credit columns next to it when there are."""
    if "balance" not in roles:
        return "debit-positive"
    pattern = amount_pattern(decimal, thousands)
    debit = by_title.get("debit")
    credit = by_title.get("credit")
    if debit is None or credit is None:
        return "debit-positive"
    votes: Counter[str] = Counter()
    for cells in body:
        try:
            d, c, b = (
                _amount(cells, i, decimal, thousands, pattern)
                for i in (debit, credit, roles["balance"])
            )
        except ValueError:
            continue
        if b and b == d - c:
            votes["debit-positive"] += 1
        elif b and b == c - d:
            votes["credit-positive"] += 1
    if not votes:
        undecided.append("the balance column's sign: debit positive is assumed")
        return "debit-positive"
    sign, count = votes.most_common(1)[0]
    notes.append(f"the balance is {sign.replace('-', ' ')}: debit minus credit on {count} rows")
    return sign


def _amount(
    cells: tuple[Any, ...], index: int, decimal: str, thousands: str | None, pattern: Any
) -> Decimal:
    value = cells[index] if index < len(cells) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return parse_amount(_cell(value), decimal, thousands, pattern)


def preview(profile: ColumnProfile, rows: list[Row], sheet: str | None) -> tuple[PreviewRow, ...]:
    """The first data rows as `profile` reads them, with the problem of a row it refuses."""
    table = Table(profile, sheet=sheet)
    shown: list[PreviewRow] = []
    read: list[ReadRow] = list(data_rows(table, iter(rows)))
    by_line = {p.line: p.message for p in table.problems if p.line is not None}
    lines = sorted({r.line for r in read} | set(by_line))
    rows_by_line = {r.line: r for r in read}
    for line in lines[:PREVIEW_ROWS]:
        row = rows_by_line.get(line)
        shown.append(
            PreviewRow(
                line=line,
                account=None if row is None else row.account,
                name=None if row is None else row.name,
                partner=None if row is None else row.partner,
                amount=None if row is None else row.amount,
                problem=by_line.get(line),
            )
        )
    return tuple(shown)


def proposal_notes(entity: str, detected: Detected) -> list[str]:
    """The proposal, said in words, for a refusal of an entity without a saved profile."""
    notes = []
    if detected.profile is not None:
        shown = ", ".join(
            f"{key} {value!r}"
            for key, value in (
                ("kind", detected.profile.kind),
                ("encoding", detected.profile.encoding),
                ("delimiter", detected.profile.delimiter),
                ("header rows", detected.profile.header_rows),
                ("sheet", detected.profile.sheet),
                *detected.profile.columns().items(),
                ("balance sign", detected.profile.balance_sign),
                ("decimal separator", detected.profile.decimal_separator),
                ("thousands separator", detected.profile.thousands_separator),
            )
            if value is not None
        )
        notes.append(f"proposed profile for {entity}: {shown}")
    notes += [f"detected: {note}" for note in detected.notes]
    notes += [f"undecided: {item}" for item in detected.undecided]
    return notes
