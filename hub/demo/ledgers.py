"""The demo's trial balances, 2023 and 2024, each entity in its own national chart
(docs/consolidation.md, "Demo consolidation").

- Belgium: its accounts aggregate, through the PCMN mapping, to its published statements
  (hub/demo/statements.py). The published figures are rounded to the euro and their parts do not
  always add up, so a ledger that balances to the cent needs cents: `BELGIAN_CENTS` holds them,
  and every published line, leaf or total, is then the trial balance's figure rounded to the
  euro. Its intra-network balances and flows (the shares in Sweden, the loans to Sweden and
  Germany, the recharges billed to the partners) are carved out of the published lines they are
  part of, so the published figures stay whole; they are not published: illustrative.
- The partners: their production-unit turnover is the published turnover KPI (Sweden's in SEK at
  the year's average rate, as the KPI), their operating result the illustrative KPI
  `operating_result`; everything else is illustrative. Four accounts take what the other rows
  leave (`Balancing`): the activities turnover, the support staff's salaries, the result brought
  forward (the year before's plus its net result) and the bank.
- Intra-network figures are written once (`LOANS`, `RECHARGES`) and booked by both sides, each
  side naming its partner; two differences are deliberate: Sweden carries its euro loan at the
  2023 closing rate in 2024 (FX), and Italy booked 1,000 of its 2024 recharge on its own IT
  services account (a booking difference).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from countries.charts import ChartOfAccounts
from hub.demo.figures import (
    EUR_SEK_AVERAGE,
    NETWORK_TABLE,
    OPERATING_RESULTS,
    values_2023,
    values_2024,
)
from hub.demo.statements import BELGIUM
from hub.registry.group_chart import GroupChart, Side
from hub.reporting.model import TrialBalanceLineIn

PERIODS = ("2023", "2024")
ILLUSTRATIVE = "illustrative"


@dataclass(frozen=True, slots=True)
class Row:
    """One trial-balance row: debit positive, credit negative, in the entity's currency."""

    account: str
    amount: Decimal
    partner: str | None = None
    note: str | None = None  # shown after the account's label: why the figure is what it is
    label: str | None = None  # for an account the chart does not list


def _row(
    account: str,
    amount: int | str | Decimal,
    partner: str | None = None,
    note: str | None = ILLUSTRATIVE,
    label: str | None = None,
) -> Row:
    return Row(account, Decimal(amount), partner, note, label)


# --- the intra-network figures, in EUR, booked by both sides (illustrative) ---------------------

PARENT = "BE"
# Belgium's loans to partners at the year end (interest-free, like the member-project loans).
LOANS: dict[str, dict[str, int]] = {
    "2023": {"DE": 1_400_000, "SE": 1_300_000},
    "2024": {"DE": 1_500_000, "SE": 1_300_000},
}
# Belgium's recharges of the shared portal and services, billed monthly and settled in the year.
RECHARGES: dict[str, dict[str, int]] = {
    "2023": {"DE": 48_000, "AT": 24_000, "IT": 48_000, "SE": 36_000},
    "2024": {"DE": 60_000, "AT": 30_000, "IT": 60_000, "SE": 48_000},
}
# The rate a partner outside the euro carries Belgium's loan at: Sweden drew it by the end of
# 2023 and revalued it then, at the closing rate of 29 Dec 2023; it did not revalue it in 2024,
# so that consolidation shows its FX part.
LOAN_RATES: dict[str, Decimal] = {"SE": Decimal("11.096")}
CENT = Decimal("0.01")
# Italy booked this much of its 2024 recharge on its own IT services account, without partner.
MISBOOKED = ("IT", "2024", "30.07.011", Decimal(1_000))

# Belgium's shares in Sweden, at cost: the consideration of the acquisition register (Sweden's
# capital, paid in at its incorporation on 31 Dec 2012, and the founders' start-up costs taken
# over), and that capital in SEK.
SWEDEN_SHARES = Decimal(120_000)
SWEDEN_CAPITAL = Decimal(1_000_000)


# --- Belgium -------------------------------------------------------------------------------------

# The account that books each published line (what the carve-outs leave of it). The result of
# the year is the income statement's (plus 149000); the other totals are their parts' sums.
BELGIAN_ACCOUNTS: dict[str, str] = {
    "BS.A.FA.II": "211000",
    "BS.A.FA.III.A": "221000",
    "BS.A.FA.III.B": "230000",
    "BS.A.FA.III.C": "240000",
    "BS.A.FA.III.D": "250000",
    "BS.A.FA.III.E": "260000",
    "BS.A.FA.III.F": "270000",
    "BS.A.FA.IV.A": "280100",
    "BS.A.FA.IV.B": "282000",
    "BS.A.FA.IV.C": "284000",
    "BS.A.CA.V": "290000",
    "BS.A.CA.VII.A": "400000",
    "BS.A.CA.VII.B": "416000",
    "BS.A.CA.VIII": "510000",
    "BS.A.CA.IX": "550000",
    "BS.A.CA.X": "490000",
    "BS.L.EQ.I": "100000",
    "BS.L.EQ.IV": "133000",
    "BS.L.EQ.V": "140000",
    "BS.L.PR": "164000",
    "BS.L.DE.VIII": "173000",
    "BS.L.DE.IX.A": "420000",
    "BS.L.DE.IX.C": "440000",
    "BS.L.DE.IX.D": "460000",
    "BS.L.DE.IX.E": "455000",
    "BS.L.DE.IX.F": "489000",
    "BS.L.DE.X": "492000",
    "IS.TI.PE.ACT": "700000",
    "IS.TI.PE.CON": "701000",
    "IS.TI.PE.OTH": "702000",
    "IS.TI.SALES": "703000",
    "IS.TI.CC.TURN": "705000",
    "IS.TI.CC.WORK": "705100",
    "IS.TI.SUB": "740000",
    "IS.PEC": "620000",
    "IS.SHARED": "620200",
    "IS.OOI": "743000",
    "IS.EXC": "660000",
    "IS.DEP": "630000",
    "IS.FIN": "750000",
    "IS.TAX": "670000",
}
# Where a credit line holds a debit, the account the PCMN keeps for it (2024's loss brought
# forward).
BELGIAN_DEBIT_ACCOUNTS: dict[str, str] = {"BS.L.EQ.V": "141000"}
# Accounts the PCMN does not list: IV.A without the network's part.
BELGIAN_UNLISTED: dict[str, str] = {
    "280100": (
        "Deelnemingen in en vorderingen op verbonden ondernemingen buiten het netwerk / "
        "Participations dans et créances sur des entreprises liées hors du réseau (Affiliated "
        "enterprises outside the network)"
    ),
}

# The ledger's cents that the published euro figures round away (line terms, as published).
# Without them the trial balance would not balance (2023: by 2 EUR) or a total would be 2 EUR
# from its published figure (2024: the result before taxes). Chosen so that every published
# line is the trial balance's figure rounded to the euro.
BELGIAN_CENTS: dict[str, dict[str, Decimal]] = {
    "2023": {
        "IS.TI.SALES": Decimal("0.30"),
        "IS.TI.SUB": Decimal("0.30"),
        "IS.EXC": Decimal("-0.30"),
        "IS.DEP": Decimal("-0.30"),
        "BS.A.CA.VII.A": Decimal("0.40"),
        "BS.A.CA.VII.B": Decimal("0.40"),
        "BS.L.EQ.IV": Decimal("-0.40"),
        "BS.L.PR": Decimal("-0.40"),
        "BS.L.DE.IX.E": Decimal("-0.40"),
    },
    "2024": {
        "IS.OOI": Decimal("-0.45"),
        "IS.EXC": Decimal("-0.45"),
        "IS.DEP": Decimal("-0.40"),
        "IS.FIN": Decimal("-0.30"),
        "IS.TAX": Decimal("0.40"),
        "BS.L.DE.IX.C": Decimal("0.20"),
    },
}

# The published balance sheet's result of 2023 is 777 below the income statement's net result
# (-5,900,277 against -5,899,500): a debit on the result awaiting appropriation makes both hold.
BELGIAN_RESULT_ACCOUNT: dict[str, Row] = {
    "2023": _row(
        "149000",
        777,
        note="the published balance sheet's result is 777 below the income statement's",
    ),
}


def _network_of_belgium(period: str) -> dict[str, tuple[Row, ...]]:
    """Belgium's intra-network rows, per published line they are carved out of."""
    carved = "illustrative, carved out of the published line"
    return {
        "BS.A.FA.IV.A": (
            _row("280000", SWEDEN_SHARES, "SE", f"{carved}: the shares in Smart Sweden"),
            *(
                _row("281000", amount, partner, f"{carved}: loan to the partner")
                for partner, amount in sorted(LOANS[period].items())
            ),
        ),
        "IS.TI.SALES": tuple(
            _row("703100", -amount, partner, f"{carved}: recharge to the partner")
            for partner, amount in sorted(RECHARGES[period].items())
        ),
    }


def _published(period: str) -> dict[str, Decimal]:
    column = PERIODS.index(period) + 1
    return {row[0]: Decimal(row[column]) for row in BELGIUM}


def belgian_rows(period: str, chart: GroupChart) -> tuple[Row, ...]:
    """Belgium's trial balance: each published line on its account, less what is carved out
    of it for the network, plus the ledger's cents."""
    published = _published(period)
    cents = BELGIAN_CENTS[period]
    network = _network_of_belgium(period)
    rows: list[Row] = []
    for line, account in BELGIAN_ACCOUNTS.items():
        credit = chart.lines[line].side is Side.CREDIT
        amount = (published[line] + cents.get(line, Decimal(0))) * (-1 if credit else 1)
        if credit and amount > 0:
            account = BELGIAN_DEBIT_ACCOUNTS.get(line, account)
        carved = network.get(line, ())
        rest = amount - sum((r.amount for r in carved), Decimal(0))
        rows += [*carved, Row(account, rest, label=BELGIAN_UNLISTED.get(account))]
    if period in BELGIAN_RESULT_ACCOUNT:
        rows.append(BELGIAN_RESULT_ACCOUNT[period])
    return tuple(r for r in rows if r.amount)


# --- the partners --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Balancing:
    """The accounts that take what a partner's other rows leave."""

    activities: str  # production-unit turnover: the published turnover less the other rows
    staff: str  # support staff's salaries: what brings the operating result to the KPI's
    brought_forward: str  # the result brought forward: the year before's, plus its net result
    bank: str  # what balances the trial balance
    loan: str | None  # the loan from Belgium, if any
    recharge: str  # the cost of Belgium's recharge


@dataclass(frozen=True, slots=True)
class PartnerYear:
    turnover: tuple[Row, ...]  # production-unit turnover but the activities account
    operating: tuple[Row, ...]  # the other income and costs of the operating result
    below: tuple[Row, ...]  # financial result and taxes
    balance_sheet: tuple[Row, ...]  # but the bank, the result brought forward and the loan


@dataclass(frozen=True, slots=True)
class Partner:
    balancing: Balancing
    brought_forward_2023: Decimal  # debit: the losses of the years before
    years: dict[str, PartnerYear]


def _rows(*items: tuple[str, int | Decimal]) -> tuple[Row, ...]:
    return tuple(_row(account, amount) for account, amount in items)


PARTNERS: dict[str, Partner] = {
    "DE": Partner(
        Balancing("4400", "6020", "2978", "1800", loan="3405", recharge="6837"),
        brought_forward_2023=Decimal(1_150_000),
        years={
            "2023": PartnerYear(
                turnover=_rows(("4450", -1_380_000)),
                operating=_rows(
                    ("4470", -414_346),  # 9 % of the turnover
                    ("4460", -18_000),
                    ("6010", 3_683_077),
                    ("6110", 920_769),
                    ("6310", 42_000),
                    ("6825", 25_000),
                    ("6220", 12_000),
                ),
                below=_rows(("6855", 4_000)),
                balance_sheet=_rows(
                    ("0650", 48_000),
                    ("1200", 520_000),
                    ("2900", -62_000),
                    ("3300", -160_000),
                    ("3720", -310_000),
                    ("3740", -95_000),
                    ("3806", -70_000),
                ),
            ),
            "2024": PartnerYear(
                turnover=_rows(("4450", -1_795_500)),
                operating=_rows(
                    ("4470", -538_650),
                    ("4460", -22_000),
                    ("6010", 4_788_000),
                    ("6110", 1_197_000),
                    ("6310", 44_000),
                    ("6825", 28_000),
                    ("6220", 14_000),
                ),
                below=_rows(("6855", 4_500)),
                balance_sheet=_rows(
                    ("0650", 40_000),
                    ("1200", 640_000),
                    ("2900", -68_000),
                    ("3300", -190_000),
                    ("3720", -395_000),
                    ("3740", -120_000),
                    ("3806", -88_000),
                ),
            ),
        },
    ),
    "AT": Partner(
        Balancing("4000", "6200", "9380", "2800", loan=None, recharge="7780"),
        brought_forward_2023=Decimal(820_000),
        years={
            "2023": PartnerYear(
                turnover=_rows(("4030", -380_000), ("4100", -300_000)),
                operating=_rows(
                    ("4400", -169_991),  # 10 % of the turnover
                    ("4300", -9_000),
                    ("4850", -15_000),
                    ("6000", 1_325_931),
                    ("6500", 373_980),
                    ("7400", 30_000),
                    ("7750", 12_000),
                    ("7000", 6_000),
                ),
                below=_rows(("7790", 2_000), ("8280", 9_000)),
                balance_sheet=_rows(
                    ("0600", 15_000),
                    ("2000", 160_000),
                    ("9000", -40_000),
                    ("9200", -800_000),
                    ("3100", -300_000),
                    ("3300", -45_000),
                    ("3740", -95_000),
                    ("3600", -30_000),
                    ("3500", -20_000),
                ),
            ),
            "2024": PartnerYear(
                turnover=_rows(("4030", -350_000), ("4100", -260_000)),
                operating=_rows(
                    ("4400", -153_400),
                    ("4300", -8_000),
                    ("4850", -12_000),
                    ("6000", 1_196_520),
                    ("6500", 337_480),
                    ("7400", 31_000),
                    ("7750", 12_000),
                    ("7000", 6_000),
                ),
                below=_rows(("7790", 2_000), ("8280", 8_000)),
                balance_sheet=_rows(
                    ("0600", 10_000),
                    ("2000", 150_000),
                    ("9000", -42_000),
                    ("9200", -800_000),
                    ("3100", -500_000),
                    ("3300", -50_000),
                    ("3740", -90_000),
                    ("3600", -28_000),
                    ("3500", -18_000),
                ),
            ),
        },
    ),
    "IT": Partner(
        Balancing("20.01.001", "30.09.010", "10.08.001", "07.01.001", None, "30.07.020"),
        brought_forward_2023=Decimal(900_000),
        years={
            "2023": PartnerYear(
                turnover=_rows(("20.01.002", -2_300_000), ("20.01.003", -40_000)),
                operating=_rows(
                    ("20.01.020", -627_019),  # 9.5 % of the turnover
                    ("20.01.010", -20_000),
                    ("20.05.001", -30_000),
                    ("30.09.001", 5_148_154),
                    ("30.09.002", 1_452_043),
                    ("30.07.011", 18_000),
                    ("30.08.001", 60_000),
                    ("30.07.010", 30_000),
                    ("30.10.002", 10_000),
                ),
                below=_rows(("40.17.010", 5_000), ("50.20.002", 8_000)),
                balance_sheet=_rows(
                    ("02.04.002", 30_000),
                    ("05.01.001", 700_000),
                    ("10.01.001", -120_000),
                    ("13.03.001", -1_000_000),  # members' loans (prestito sociale)
                    ("13.07.001", -150_000),
                    ("13.14.001", -380_000),
                    ("13.13.001", -110_000),
                    ("12.01.001", -150_000),
                    ("13.12.001", -60_000),
                ),
            ),
            "2024": PartnerYear(
                turnover=_rows(("20.01.002", -2_350_000), ("20.01.003", -45_000)),
                operating=_rows(
                    ("20.01.020", -635_170),
                    ("20.01.010", -25_000),
                    ("20.05.001", -20_000),
                    ("30.09.001", 5_215_080),
                    ("30.09.002", 1_470_920),
                    ("30.07.011", 20_000),  # and the 1,000 misbooked (MISBOOKED)
                    ("30.08.001", 62_000),
                    ("30.07.010", 30_000),
                    ("30.10.002", 10_000),
                ),
                below=_rows(("40.17.010", 5_000), ("50.20.002", 9_000)),
                balance_sheet=_rows(
                    ("02.04.002", 25_000),
                    ("05.01.001", 720_000),
                    ("10.01.001", -125_000),
                    ("13.03.001", -1_100_000),
                    ("13.07.001", -160_000),
                    ("13.14.001", -390_000),
                    ("13.13.001", -115_000),
                    ("12.01.001", -170_000),
                    ("13.12.001", -62_000),
                ),
            ),
        },
    ),
    "SE": Partner(
        Balancing("3041", "7210", "2091", "1930", loan="2360", recharge="6542"),
        brought_forward_2023=Decimal(6_000_000),
        years={
            "2023": PartnerYear(
                turnover=_rows(("3010", -9_000_000), ("3043", -4_000_000)),
                operating=_rows(
                    ("3540", -2_722_164),  # 7.33 % of the turnover
                    ("3690", -150_000),
                    ("7010", 28_258_480),
                    ("7510", 8_878_813),  # employer contributions, 31.42 % of the wages
                    ("5010", 580_000),
                    ("6530", 380_000),
                    ("6540", 900_000),
                    ("6310", 140_000),
                    ("6351", 150_000),
                    ("7830", 60_000),
                ),
                below=_rows(("6570", 25_000)),
                balance_sheet=_rows(
                    ("1220", 180_000),
                    ("1510", 3_800_000),
                    ("2081", -SWEDEN_CAPITAL),
                    ("2440", -600_000),
                    ("2710", -700_000),
                    ("2731", -750_000),
                    ("2920", -900_000),
                    ("2650", -400_000),
                ),
            ),
            "2024": PartnerYear(
                turnover=_rows(("3010", -7_500_000), ("3043", -3_200_000)),
                operating=_rows(
                    ("3540", -2_184_672),
                    ("3690", -120_000),
                    ("7010", 22_678_837),
                    ("7510", 7_125_691),
                    ("5010", 600_000),
                    ("6530", 400_000),
                    ("6540", 1_000_000),
                    ("6310", 150_000),
                    ("6351", 200_000),
                    ("7830", 60_000),
                ),
                below=_rows(("6570", 25_000)),
                balance_sheet=_rows(
                    ("1220", 120_000),
                    ("1510", 3_100_000),
                    ("2081", -SWEDEN_CAPITAL),
                    ("2440", -650_000),
                    ("2710", -560_000),
                    ("2731", -600_000),
                    ("2920", -750_000),
                    ("2650", -350_000),
                ),
            ),
        },
    ),
}


def published_turnover(entity: str, period: str) -> Decimal:
    """The turnover KPI the demo reports for the year, in the entity's currency."""
    row = next(r for r in NETWORK_TABLE if r.entity == entity)
    values = values_2023(row) if period == "2023" else values_2024(row)
    return next(v.amount for v in values if v.kpi == "turnover")


def _in_own_currency(entity: str, period: str, eur: Decimal) -> Decimal:
    """A flow billed in EUR as the partner books it: Sweden at the year's average rate (the
    recharges are billed monthly), to the cent."""
    row = next(r for r in NETWORK_TABLE if r.entity == entity)
    if row.currency == "EUR":
        return eur
    return (eur * EUR_SEK_AVERAGE[int(period)]).quantize(CENT)


def _intra_network(entity: str, period: str) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
    """The partner's side of Belgium's recharge (income statement) and loan (balance sheet)."""
    accounts = PARTNERS[entity].balancing
    cost = _in_own_currency(entity, period, Decimal(RECHARGES[period][entity]))
    costs = [_row(accounts.recharge, cost, PARENT, "illustrative: Belgium's recharge")]
    who, when, account, amount = MISBOOKED
    if (who, when) == (entity, period):
        costs = [
            _row(accounts.recharge, cost - amount, PARENT, "illustrative: booked 1,000 short"),
            _row(account, amount, None, "illustrative: with 1,000 of Belgium's recharge"),
        ]
    loans = []
    lent = LOANS[period].get(entity)
    if lent is not None and accounts.loan is not None:
        rate = LOAN_RATES.get(entity, Decimal(1))
        booked = (-lent * rate).quantize(CENT)
        loans.append(_row(accounts.loan, booked, PARENT, "illustrative: Belgium's loan"))
    return tuple(costs), tuple(loans)


def _income(entity: str, period: str) -> tuple[Row, ...]:
    """The partner's income statement: the published turnover, the illustrative operating
    result, and what lies below it."""
    partner = PARTNERS[entity]
    accounts, year = partner.balancing, partner.years[period]
    turnover = published_turnover(entity, period)
    activities = _row(
        accounts.activities,
        -turnover - _total(year.turnover),
        note="published turnover (KPI), illustrative split",
    )
    recharge, _ = _intra_network(entity, period)
    operating = (activities, *year.turnover, *year.operating, *recharge)
    result = Decimal(OPERATING_RESULTS[entity][int(period)])
    staff = _row(accounts.staff, -result - _total(operating))
    return (*operating, staff, *year.below)


def _brought_forward(entity: str, period: str) -> Decimal:
    partner = PARTNERS[entity]
    if period == PERIODS[0]:
        return partner.brought_forward_2023
    before = PERIODS[PERIODS.index(period) - 1]
    return _brought_forward(entity, before) + _total(_income(entity, before))


def partner_rows(entity: str, period: str) -> tuple[Row, ...]:
    partner = PARTNERS[entity]
    accounts = partner.balancing
    _, loan = _intra_network(entity, period)
    rows = (
        *_income(entity, period),
        *partner.years[period].balance_sheet,
        *loan,
        _row(accounts.brought_forward, _brought_forward(entity, period)),
    )
    return _merged((*rows, _row(accounts.bank, -_total(rows))))


def _merged(rows: Iterable[Row]) -> tuple[Row, ...]:
    """One row per account and partner (as a trial balance has): Italy's misbooked part of its
    recharge joins its own IT services, with the note that says so."""
    merged: dict[tuple[str, str | None], Row] = {}
    for row in rows:
        key = (row.account, row.partner)
        before = merged.get(key)
        if before is None:
            merged[key] = row
        else:
            note = row.note if row.note != ILLUSTRATIVE else before.note
            merged[key] = Row(row.account, before.amount + row.amount, row.partner, note)
    return tuple(merged.values())


def _total(rows: Iterable[Row]) -> Decimal:
    return sum((r.amount for r in rows), Decimal(0))


# --- as a national team submits it ---------------------------------------------------------------


def demo_rows(entity: str, period: str, group: GroupChart) -> tuple[Row, ...]:
    return belgian_rows(period, group) if entity == PARENT else partner_rows(entity, period)


def trial_balance(
    entity: str, period: str, currency: str, chart: ChartOfAccounts, group: GroupChart
) -> tuple[TrialBalanceLineIn, ...]:
    """The trial balance lines, each labelled as in the chart with its note."""
    lines = []
    for row in demo_rows(entity, period, group):
        listed = chart.account(row.account)
        label = row.label or (listed.label if listed is not None else None)
        if row.note is not None:
            label = f"{label} [{row.note}]" if label else f"[{row.note}]"
        lines.append(
            TrialBalanceLineIn(
                account=row.account,
                amount=row.amount,
                currency=currency,
                label=label,
                partner=row.partner,
            )
        )
    return tuple(lines)
