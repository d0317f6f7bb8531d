"""IFRS 3 and IFRS 10 as the network applies them: a subsidiary's acquisition, its goodwill and
its non-controlling interests, in group currency for one period. Pure arithmetic.

Notation (group currency unless said; line terms, equity positive):
- A: the subsidiary's equity at acquisition (register, its currency) at the acquisition rate;
  F_a / F_c: the fair-value adjustments of the acquisition at the acquisition / closing rate;
- K: the consideration (and later purchases); I: the parent's investment as it booked it;
- goodwill, fixed in the subsidiary's currency (IAS 21.47): G = K x rate - s0 (NA + FV) when the
  NCI is measured at its share of net assets, K x rate + NCI fair value - (NA + FV) when at fair
  value; negative, it is a bargain purchase: a gain of the acquisition period (IFRS 3.34);
- translated at each closing rate, less the impairments entered in the subsidiary's currency
  (each expensed at its period's average rate); the difference goes to the translation reserve.

Entries (the eliminations journal): the investment goes; the equity the subsidiary had at
acquisition goes (it was bought); goodwill and the fair-value adjustments come in; the NCI
receive their share of the subsidiary's net assets at the period end (plus their part of
goodwill when measured at fair value); what the subsidiary earned since the acquisition stays in
its lines for the group's share. Any remainder is the effect of later changes in the share held
(IFRS 10.23: a transaction with owners, in reserves) and must be nil without such changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from hub.consolidation.model import (
    AcquisitionTerms,
    Balance,
    ConsolidationError,
    Elimination,
    EntityRates,
    EntryKind,
    GoodwillPosition,
)
from hub.consolidation.translation import ZERO, carried_equity_lines, exact
from hub.registry.group_chart import GroupChart

# Rounding to 10 places, many entries: a remainder below this is arithmetic, not a change of share.
RESIDUE = Decimal("1e-6")


class Acquired:
    """The acquisition's figures for the period, in group currency."""

    def __init__(
        self, terms: AcquisitionTerms, rates: EntityRates, currency: str, chart: GroupChart
    ) -> None:
        self.terms = terms
        self.currency = currency
        self.closing_rate = rates.closing
        rate = terms.rate
        self.equity = {b.line: b.amount for b in terms.equity}  # local, balance terms
        self.net_assets_local = -sum(self.equity.values(), ZERO) + sum(
            (b.amount for b in terms.fair_value), ZERO
        )
        self.at_acquisition = exact(self.net_assets_local / rate)  # A + F_a
        self.fair_value_closing = exact(
            sum((b.amount for b in terms.fair_value), ZERO) / rates.closing
        )
        self.fair_value_acquisition = exact(sum((b.amount for b in terms.fair_value), ZERO) / rate)
        share = terms.share
        if terms.nci_fair_value is None:
            nci_local = (1 - share) * self.net_assets_local
        else:
            nci_local = terms.nci_fair_value
        # The NCI's part of goodwill: what their measurement exceeds their share of net assets
        # by (nil when measured at that share).
        self.nci_goodwill_local = nci_local - (1 - share) * self.net_assets_local
        difference = terms.consideration * rate + nci_local - self.net_assets_local
        self.goodwill_local = max(difference, ZERO)
        self.bargain = exact(-difference / rate) if difference < 0 else ZERO
        # The NCI bear impairments in proportion to their part of goodwill.
        self.nci_goodwill_share = self.nci_goodwill_local / difference if difference > 0 else ZERO
        impaired_before = sum((amount for amount, _ in terms.impairments_before), ZERO)
        remaining = self.goodwill_local - impaired_before - terms.impairment
        if remaining < 0:
            raise ConsolidationError(
                [
                    f"{terms.subsidiary}: impairments of {impaired_before + terms.impairment} "
                    f"{currency} exceed its goodwill of {self.goodwill_local} {currency}"
                ]
            )
        self.goodwill_remaining_local = remaining
        self.goodwill_closing = exact(remaining / rates.closing)
        self.goodwill_at_acquisition = exact(self.goodwill_local / rate)
        self.impairment_before = exact(
            sum((amount / average for amount, average in terms.impairments_before), ZERO)
        )
        self.impairment_now = exact(terms.impairment / rates.average)
        self.goodwill_translation = (
            self.goodwill_closing
            - self.goodwill_at_acquisition
            + self.impairment_before
            + self.impairment_now
        )
        impaired = self.impairment_before + self.impairment_now
        nci_share = self.nci_goodwill_share
        if difference > 0:
            self.nci_goodwill_closing = exact(
                (self.nci_goodwill_local - nci_share * (impaired_before + terms.impairment))
                / rates.closing
            )
        else:
            self.nci_goodwill_closing = exact(self.nci_goodwill_local / rate)
        self.nci_goodwill_translation = self.nci_goodwill_closing - (
            exact(self.nci_goodwill_local / rate) - exact(nci_share * impaired)
        )

    def position(self) -> GoodwillPosition:
        return GoodwillPosition(
            subsidiary=self.terms.subsidiary,
            currency=self.currency,
            local=self.goodwill_remaining_local,
            closing=self.goodwill_closing,
            at_acquisition=self.goodwill_at_acquisition,
            impairment=self.impairment_now,
            translation=self.goodwill_translation,
            bargain_purchase=self.bargain,
            nci_share=self.nci_goodwill_closing,
        )

    def warnings(self) -> list[str]:
        if not self.bargain:
            return []
        terms = self.terms
        return [
            f"{terms.subsidiary}: the consideration is below the net assets acquired on "
            f"{terms.acquired_on}: a bargain purchase of {exact(self.bargain)} (IFRS 3.34), "
            + (
                "recognised in this period's result"
                if terms.in_period
                else "in reserves since the acquisition period"
            )
            + "; IFRS 3.36 asks to reassess the assets and the consideration first"
        ]


def _investment(terms: AcquisitionTerms, parent_balances: list[Balance]) -> list[Balance]:
    return [b for b in parent_balances if b.investment and b.partner == terms.subsidiary]


def _goodwill_entries(
    acquired: Acquired, chart: GroupChart, parent: str, subsidiary: str
) -> list[Elimination]:
    roles = chart.roles
    terms = acquired.terms
    entries: list[Elimination] = []

    def add(line: str, amount: Decimal, note: str) -> None:
        if amount:
            entries.append(
                Elimination(
                    kind=EntryKind.GOODWILL,
                    line=line,
                    amount=amount,
                    entity=parent,
                    partner=subsidiary,
                    note=note,
                )
            )

    add(roles.goodwill, acquired.goodwill_closing, "goodwill at the closing rate")
    add(
        roles.goodwill_impairment,
        acquired.impairment_now,
        "impairment of goodwill entered for this period",
    )
    add(
        roles.reserves,
        exact((1 - acquired.nci_goodwill_share) * acquired.impairment_before),
        "impairments of goodwill of earlier periods",
    )
    add(
        roles.translation_reserve,
        -(acquired.goodwill_translation - acquired.nci_goodwill_translation),
        "translation of goodwill (IAS 21.47)",
    )
    if acquired.bargain:
        line = roles.bargain_purchase_gain if terms.in_period else roles.brought_forward
        add(line, -acquired.bargain, "bargain purchase (IFRS 3.34)")
    return entries


def _subsidiary_equity(balances: list[Balance], chart: GroupChart) -> dict[str, Decimal]:
    """The subsidiary's translated equity per line (its translation reserve included), balance
    terms; the result of the year is the income statement's and is handled on its own."""
    lines = carried_equity_lines(chart) | {chart.roles.translation_reserve}
    found: dict[str, Decimal] = {}
    for b in balances:
        if b.line in lines:
            found[b.line] = found.get(b.line, ZERO) + b.amount
    return found


def consolidate_in_full(
    terms: AcquisitionTerms,
    acquired: Acquired,
    parent_balances: list[Balance],
    subsidiary_balances: list[Balance],
    values: Mapping[str, Decimal],
    chart: GroupChart,
) -> tuple[list[Elimination], Decimal]:
    """The eliminations of a subsidiary consolidated line by line, and the NCI's share of the
    result (group currency)."""
    roles = chart.roles
    parent, subsidiary = terms.parent, terms.subsidiary
    share = terms.share_now
    minority = 1 - share
    rate = terms.rate
    entries: list[Elimination] = []

    def add(kind: EntryKind, line: str, amount: Decimal, entity: str, note: str | None) -> None:
        if amount:
            entries.append(
                Elimination(
                    kind=kind,
                    line=line,
                    amount=amount,
                    entity=entity,
                    partner=parent if entity == subsidiary else subsidiary,
                    note=note,
                )
            )

    investment = _investment(terms, parent_balances)
    carried = sum((b.amount for b in investment), ZERO)
    for b in investment:
        add(EntryKind.INVESTMENT, b.line, -b.amount, parent, "the parent's investment")
    cost = terms.consideration + sum((step.consideration for step in terms.steps), ZERO)
    add(
        EntryKind.INVESTMENT,
        roles.reserves,
        carried - cost,
        parent,
        "the investment as the parent carries it, against its cost",
    )
    at_acquisition: dict[str, Decimal] = {}
    for line, amount in sorted(acquired.equity.items()):
        at_acquisition[line] = exact(amount / rate)
        add(EntryKind.INVESTMENT, line, -at_acquisition[line], subsidiary, "equity at acquisition")
    for b in terms.fair_value:
        add(
            EntryKind.INVESTMENT,
            b.line,
            exact(b.amount / acquired.closing_rate),
            subsidiary,
            "fair-value adjustment at acquisition",
        )
    nci_part = acquired.nci_goodwill_share
    entries += _goodwill_entries(acquired, chart, parent, subsidiary)
    fair_value_translation = acquired.fair_value_closing - acquired.fair_value_acquisition
    add(
        EntryKind.INVESTMENT,
        roles.translation_reserve,
        -exact(share * fair_value_translation),
        parent,
        "translation of the fair-value adjustments",
    )

    # Non-controlling interests: their share of the net assets at the period end (and of
    # goodwill, measured at fair value), moved out of the subsidiary's lines.
    # The result of the year on the balance sheet: the income statement's, and whatever the
    # subsidiary had already closed onto that line.
    result = values[roles.result_of_the_year]
    nci_result = exact(minority * result - nci_part * acquired.impairment_now)
    if minority or acquired.nci_goodwill_local:
        equity = _subsidiary_equity(subsidiary_balances, chart)
        for line in sorted(equity.keys() | at_acquisition.keys()):
            remainder = equity.get(line, ZERO) - at_acquisition.get(line, ZERO)
            add(EntryKind.NCI, line, -exact(minority * remainder), subsidiary, None)
        add(EntryKind.NCI, roles.result_of_the_year, nci_result, subsidiary, "share of the result")
        net_assets = values[roles.equity] + acquired.fair_value_closing
        target = exact(minority * net_assets) + acquired.nci_goodwill_closing
        add(EntryKind.NCI, roles.non_controlling_interests, -target, subsidiary, None)
    remainder = -sum((e.amount for e in entries), ZERO)
    if abs(remainder) > RESIDUE and not terms.steps:
        raise AssertionError(f"{subsidiary}: eliminations leave {remainder} unexplained")
    add(
        EntryKind.INVESTMENT,
        roles.reserves,
        remainder,
        parent,
        "changes in the share held, with owners (IFRS 10.23)" if terms.steps else None,
    )
    return entries, nci_result


def consolidate_by_equity_method(
    terms: AcquisitionTerms,
    acquired: Acquired,
    parent_balances: list[Balance],
    subsidiary_balances: list[Balance],
    values: Mapping[str, Decimal],
    chart: GroupChart,
) -> list[Elimination]:
    """An associate: its lines go; the investment is the share of its net assets at the period
    end plus goodwill; the share of its result (less goodwill impaired) is one line; the share
    of its translation reserve and goodwill's translation go to the group's reserve; the rest of
    its post-acquisition equity, to reserves."""
    roles = chart.roles
    parent, subsidiary = terms.parent, terms.subsidiary
    share = terms.share_now
    entries = [
        Elimination(kind=EntryKind.EQUITY_METHOD, line=b.line, amount=-b.amount, entity=subsidiary)
        for b in subsidiary_balances
    ]
    entries += [
        Elimination(
            kind=EntryKind.EQUITY_METHOD,
            line=b.line,
            amount=-b.amount,
            entity=parent,
            partner=subsidiary,
        )
        for b in _investment(terms, parent_balances)
    ]
    reserve = _subsidiary_equity(subsidiary_balances, chart).get(roles.translation_reserve, ZERO)
    net_assets = values[roles.equity] + acquired.fair_value_closing
    for line, amount, note in (
        (
            roles.associates,
            exact(share * net_assets) + acquired.goodwill_closing,
            "share of net assets, with goodwill",
        ),
        (
            roles.share_of_associates_result,
            -exact(share * values[roles.net_result]) + acquired.impairment_now,
            "share of the result, less goodwill impaired",
        ),
        (
            roles.translation_reserve,
            exact(share * reserve)
            - exact(acquired.goodwill_translation)
            - exact(share * (acquired.fair_value_closing - acquired.fair_value_acquisition)),
            "share of the translation reserve",
        ),
    ):
        if amount:
            entries.append(
                Elimination(
                    kind=EntryKind.EQUITY_METHOD,
                    line=line,
                    amount=amount,
                    entity=parent,
                    partner=subsidiary,
                    note=note,
                )
            )
    if acquired.bargain:
        line = roles.share_of_associates_result if terms.in_period else roles.brought_forward
        entries.append(
            Elimination(
                kind=EntryKind.EQUITY_METHOD,
                line=line,
                amount=-acquired.bargain,
                entity=parent,
                partner=subsidiary,
                note="bargain purchase (IFRS 3.34)",
            )
        )
    entries.append(
        Elimination(
            kind=EntryKind.EQUITY_METHOD,
            line=roles.reserves,
            amount=-sum((e.amount for e in entries), ZERO),
            entity=parent,
            partner=subsidiary,
            note="share of the equity earned since the acquisition",
        )
    )
    return entries
