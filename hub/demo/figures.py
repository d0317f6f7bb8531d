"""The network table of the 2024 annual report (DOMAIN.md), as data.

2024 figures are published. 2023 turnover is published for Belgium; for the partners it is derived
from the published change (2023 = 2024 / (1 + change)), rounded half-even to the whole unit, and
flagged `derived`. Sweden keeps its books in SEK: its euro figures are converted at the year's ECB
average EUR/SEK rate, so that the euro view reproduces the published table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from hub.reporting.model import KpiValueIn, Provenance

# ECB euro reference rates, SEK per EUR: mean of the year's daily rates (eurofxref-hist.csv).
EUR_SEK_AVERAGE = {2023: Decimal("11.4788"), 2024: Decimal("11.4325")}
SOURCE = "Annual report 2024 (version 30/03/25)"


@dataclass(frozen=True, slots=True)
class Published:
    entity: str
    currency: str
    turnover_2024_eur: Decimal
    change_vs_2023_percent: Decimal
    turnover_2023_eur: Decimal | None  # published only for Belgium
    users: int
    staff_fte: Decimal
    offices: int
    contribution_rate_percent: Decimal
    extra_2024: tuple[KpiValueIn, ...] = ()
    extra_2023: tuple[KpiValueIn, ...] = ()


def _published(kpi: str, amount: int, currency: str | None = None) -> KpiValueIn:
    return KpiValueIn(
        kpi=kpi,
        amount=Decimal(amount),
        currency=currency,
        provenance=Provenance.PUBLISHED,
        note=SOURCE,
    )


NETWORK_TABLE: tuple[Published, ...] = (
    Published(
        "BE",
        "EUR",
        Decimal(197_677_870),
        Decimal(2),
        Decimal(193_766_363),
        users=20_611,
        staff_fte=Decimal(236),
        offices=8,
        contribution_rate_percent=Decimal("6.5"),
        extra_2024=(
            _published("salaried_members", 20_892),
            _published("advisers", 87),
            _published("contribution_income", 28_663_495, "EUR"),
        ),
        extra_2023=(_published("contribution_income", 27_297_504, "EUR"),),
    ),
    Published(
        "DE",
        "EUR",
        Decimal(5_985_000),
        Decimal(30),
        None,
        users=302,
        staff_fte=Decimal("6.7"),
        offices=1,
        contribution_rate_percent=Decimal(9),
    ),
    Published(
        "AT",
        "EUR",
        Decimal(1_534_000),
        Decimal("-9.76"),
        None,
        users=332,
        staff_fte=Decimal("2.96"),
        offices=1,
        contribution_rate_percent=Decimal(10),
    ),
    Published(
        "IT",
        "EUR",
        Decimal(6_686_000),
        Decimal("1.30"),
        None,
        users=1_800,
        staff_fte=Decimal(8),
        offices=2,
        contribution_rate_percent=Decimal("9.5"),
    ),
    Published(
        "SE",
        "SEK",
        Decimal(2_607_000),
        Decimal("-19.42"),
        None,
        users=273,
        staff_fte=Decimal(3),
        offices=1,
        contribution_rate_percent=Decimal("7.33"),
    ),
)


def whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)


def derive_previous(current: Decimal, change_percent: Decimal) -> Decimal:
    """The previous year's figure from this year's and the published change, to the unit."""
    return whole(current / (1 + change_percent / 100))


def in_reporting_currency(eur: Decimal, currency: str, year: int) -> Decimal:
    """What the entity reports in its own currency for a published euro figure."""
    if currency == "EUR":
        return eur
    if currency == "SEK":
        return whole(eur * EUR_SEK_AVERAGE[year])
    raise ValueError(f"no demo rate for {currency}")


def _signed(percent: Decimal) -> str:
    return f"+ {percent}" if percent >= 0 else f"- {-percent}"


def _money(
    code: str, amount: Decimal, currency: str, provenance: Provenance, note: str
) -> KpiValueIn:
    return KpiValueIn(kpi=code, amount=amount, currency=currency, provenance=provenance, note=note)


def values_2024(row: Published) -> tuple[KpiValueIn, ...]:
    turnover = in_reporting_currency(row.turnover_2024_eur, row.currency, 2024)
    note = (
        SOURCE
        if row.currency == "EUR"
        else (
            f"{SOURCE}: {row.turnover_2024_eur} EUR at the 2024 average rate "
            f"{EUR_SEK_AVERAGE[2024]} {row.currency}/EUR"
        )
    )
    published = Provenance.PUBLISHED
    return (
        _money("turnover", turnover, row.currency, published, note),
        KpiValueIn(kpi="users", amount=Decimal(row.users), provenance=published, note=SOURCE),
        KpiValueIn(kpi="staff_fte", amount=row.staff_fte, provenance=published, note=SOURCE),
        KpiValueIn(kpi="offices", amount=Decimal(row.offices), provenance=published, note=SOURCE),
        KpiValueIn(
            kpi="contribution_rate",
            amount=row.contribution_rate_percent,
            provenance=published,
            note=SOURCE,
        ),
        *row.extra_2024,
    )


def values_2023(row: Published) -> tuple[KpiValueIn, ...]:
    if row.turnover_2023_eur is not None:
        turnover = _money(
            "turnover", row.turnover_2023_eur, row.currency, Provenance.PUBLISHED, SOURCE
        )
    else:
        eur = derive_previous(row.turnover_2024_eur, row.change_vs_2023_percent)
        amount = in_reporting_currency(eur, row.currency, 2023)
        note = (
            f"derived: 2024 turnover {row.turnover_2024_eur} EUR "
            f"/ (1 {_signed(row.change_vs_2023_percent)} %) = {eur} EUR"
        )
        if row.currency != "EUR":
            note += f", at the 2023 average rate {EUR_SEK_AVERAGE[2023]} {row.currency}/EUR"
        turnover = _money("turnover", amount, row.currency, Provenance.DERIVED, note)
    return (turnover, *row.extra_2023)


# Partners' operating results are NOT published: these are illustrative, in each entity's own
# currency (Sweden's in SEK), so that the break-even monitor has a history to work on.
ILLUSTRATIVE_NOTE = "Illustrative: the partners' operating results are not published"
OPERATING_RESULTS: dict[str, dict[int, int]] = {
    "DE": {2021: -420_000, 2022: -330_000, 2023: -190_000, 2024: -70_000},
    "IT": {2021: -380_000, 2022: -290_000, 2023: -170_000, 2024: -50_000},
    "AT": {2021: -260_000, 2022: -240_000, 2023: -250_000, 2024: -230_000},
    "SE": {2021: -1_500_000, 2022: -1_900_000, 2023: -2_066_184, 2024: -2_972_450},
}


def operating_result(entity: str, currency: str, year: int) -> tuple[KpiValueIn, ...]:
    amount = OPERATING_RESULTS.get(entity, {}).get(year)
    if amount is None:
        return ()
    return (
        KpiValueIn(
            kpi="operating_result",
            amount=Decimal(amount),
            currency=currency,
            provenance=Provenance.ILLUSTRATIVE,
            note=ILLUSTRATIVE_NOTE,
        ),
    )
