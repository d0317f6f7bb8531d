"""Checks on a report before anything is stored: pure functions returning every finding at once.

Errors block the save. Warnings are stored with the version and need a comment to submit.
Notices are stored and reported (a published rounding difference within tolerance).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

import msgspec

from countries.charts import ChartOfAccounts, Placement
from hub.registry.group_chart import GroupChart, Statement
from hub.registry.model import EntityConfig, KpiDefinition, KpiUnit
from hub.registry.registry import Registry
from hub.reporting.model import (
    Finding,
    KpiSubmissionIn,
    KpiValueIn,
    Severity,
    StatementLineIn,
    TrialBalanceLineIn,
    Where,
)
from hub.reporting.period import PeriodError, parse_period
from hub.reporting.reconcile import lines_against_trial_balance, result_of_the_year
from hub.reporting.rules import ReportingRules

MAX_DIGITS = 28
MAX_DECIMALS = 6


def error(rule: str, where: Where, message: str) -> Finding:
    return Finding(Severity.ERROR, rule, where, message)


def errors_only(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def check_entity(entity: str, registry: Registry) -> list[Finding]:
    if entity in registry.entities:
        return []
    known = ", ".join(sorted(registry.entities))
    return [
        error(
            "known-entity", Where("entity"), f"unknown entity {entity!r}; known entities: {known}"
        )
    ]


def check_period(period: str) -> list[Finding]:
    try:
        parse_period(period)
    except PeriodError as problem:
        return [error("period-format", Where("period"), str(problem))]
    return []


def amount_problems(amount: Decimal) -> Iterator[str]:
    if not amount.is_finite():
        yield f"{amount} is not a number"
        return
    _, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)
    if -exponent > MAX_DECIMALS:
        yield f"{amount} has more than {MAX_DECIMALS} decimal places"
    if len(digits) + exponent > MAX_DIGITS - MAX_DECIMALS:
        yield f"{amount:.3e} is too large: amounts have at most {MAX_DIGITS - MAX_DECIMALS} digits"


def currency_problem(given: str | None, entity: EntityConfig) -> str | None:
    if given is None:
        return f"the currency is required ({entity.currency})"
    if given != entity.currency:
        return f"{entity.code} reports in {entity.currency}, not {given}"
    return None


def change_warning(
    where: Where, item: str, amount: Decimal, previous: Decimal | None, share: Decimal
) -> Finding | None:
    if previous is None or previous == 0:
        return None
    change = (amount - previous) / abs(previous)
    if abs(change) <= share:
        return None
    return Finding(
        Severity.WARNING,
        "change-vs-previous-period",
        where,
        f"{item} changed by {change * 100:+.1f} % against the previous period "
        f"({previous} -> {amount}); more than {share * 100:.0f} % needs a comment",
    )


# --- KPI report --------------------------------------------------------------------------------


def validate_kpi_submission(
    submission: KpiSubmissionIn,
    registry: Registry,
    rules: ReportingRules,
    previous: Mapping[str, Decimal],
) -> list[Finding]:
    """All findings of a KPI report whose entity is known; `previous` holds the values of the
    previous period's published version, for the change warning."""
    findings = check_period(submission.period)
    if not submission.values:
        findings.append(error("not-empty", Where("values"), "at least one KPI value is required"))
    entity = registry.entities[submission.entity]
    seen: dict[str, int] = {}
    for index, value in enumerate(submission.values):
        kpi = registry.kpis.get(value.kpi)
        if kpi is None:
            known = ", ".join(sorted(registry.kpis))
            findings.append(
                error(
                    "known-kpi",
                    Where("values", index, "kpi"),
                    f"unknown KPI {value.kpi!r}; known: {known}",
                )
            )
            continue
        if value.kpi in seen:
            findings.append(
                error(
                    "unique-kpi",
                    Where("values", index, "kpi"),
                    f"{value.kpi} is given more than once: one value per KPI",
                )
            )
        seen.setdefault(value.kpi, index)
        findings.extend(
            error(rule, Where("values", index, field), message)
            for rule, field, message in _kpi_value_problems(value, kpi, entity)
        )
        warning = change_warning(
            Where("values", index, "amount"),
            value.kpi,
            value.amount,
            previous.get(value.kpi),
            rules.warnings.change_share,
        )
        if warning is not None and value.amount.is_finite():
            findings.append(msgspec.structs.replace(warning, comment=value.note))
    missing = [kpi.code for kpi in registry.kpis.values() if kpi.required and kpi.code not in seen]
    if submission.values and missing:
        findings.append(
            Finding(
                Severity.WARNING,
                "required-kpis",
                Where("values"),
                f"required KPIs missing: {', '.join(missing)}",
            )
        )
    return findings


def _kpi_value_problems(
    value: KpiValueIn, kpi: KpiDefinition, entity: EntityConfig
) -> Iterator[tuple[str, str, str]]:
    amount = value.amount
    problems = list(amount_problems(amount))
    for problem in problems:
        yield "number", "amount", problem
    if problems:
        return
    if amount < 0 and not kpi.allow_negative:
        yield "sign", "amount", f"{kpi.code} must not be negative, got {amount}"
    if kpi.whole_numbers_only and amount != amount.to_integral_value():
        yield (
            "whole-number",
            "amount",
            f"{kpi.code} counts {kpi.unit}: a whole number is required, got {amount}",
        )
    if kpi.unit is KpiUnit.PERCENT and amount > Decimal(100):
        yield "percentage", "amount", f"{kpi.code} is a percentage: at most 100, got {amount}"
    if kpi.is_money:
        if value.currency is None:
            yield (
                "currency",
                "currency",
                f"{kpi.code} is an amount of money: give its currency ({entity.currency})",
            )
        elif value.currency != entity.currency:
            yield (
                "currency",
                "currency",
                f"{entity.code} reports in {entity.currency}, not {value.currency}",
            )
    elif value.currency is not None:
        yield "currency", "currency", f"{kpi.code} is measured in {kpi.unit}, not in a currency"


# --- Financial statements ----------------------------------------------------------------------


class StatementsCheck:
    """Checks the lines of the group chart and the trial balance, the latter one row at a time so
    that a workbook of any size is checked without holding it in memory: the rows are summed per
    group line as they pass, and the lines are reconciled with those sums at the end."""

    def __init__(
        self,
        entity: EntityConfig,
        chart: ChartOfAccounts,
        group: GroupChart,
        rules: ReportingRules,
        entities: Mapping[str, EntityConfig],
    ) -> None:
        self.entity = entity
        self.chart = chart
        self.group = group
        self.rules = rules
        self.entities = entities
        self.tb_total = Decimal(0)
        self.tb_rows = 0
        self.tb_rows_refused = 0
        self.tb_by_line: dict[str, Decimal] = {}
        self.lines: dict[str, Decimal] = {}

    def line(self, index: int, line: StatementLineIn) -> list[Finding]:
        findings: list[Finding] = []
        group_line = self.group.lines.get(line.line)
        if group_line is None:
            findings.append(
                error(
                    "known-line", Where("lines", index, "line"), f"unknown group line {line.line!r}"
                )
            )
        elif group_line.consolidation_only:
            findings.append(
                error(
                    "consolidation-line",
                    Where("lines", index, "line"),
                    f"{line.line} ({group_line.label}) is filled by consolidation, not by entities",
                )
            )
        elif line.line in self.lines:
            findings.append(
                error("unique-line", Where("lines", index, "line"), f"{line.line} is given twice")
            )
        findings.extend(
            error("number", Where("lines", index, "amount"), p)
            for p in amount_problems(line.amount)
        )
        problem = currency_problem(line.currency, self.entity)
        if problem is not None:
            findings.append(error("currency", Where("lines", index, "currency"), problem))
        if not findings:
            self.lines[line.line] = line.amount
        return findings

    def tb_line(
        self, index: int, line: TrialBalanceLineIn, placed: Placement | None
    ) -> list[Finding]:
        """`placed` is where the mapping in force puts `line.account` (`Placer.place`), computed
        once by the caller, which stores it."""
        self.tb_rows += 1
        findings: list[Finding] = []
        if placed is None:
            findings.append(
                error(
                    "known-account",
                    Where("trial_balance", index, "account"),
                    f"account {line.account!r} is not in {self.entity.code}'s chart "
                    f"({self.chart.name}): accounts are {self.chart.admits()}",
                )
            )
        amount_errors = list(amount_problems(line.amount))
        findings.extend(
            error("number", Where("trial_balance", index, "amount"), p) for p in amount_errors
        )
        if not amount_errors:
            self.tb_total += line.amount
            if placed is not None and placed.line is not None:
                total = self.tb_by_line.get(placed.line, Decimal(0))
                self.tb_by_line[placed.line] = total + line.amount
        problem = currency_problem(line.currency, self.entity)
        if problem is not None:
            findings.append(error("currency", Where("trial_balance", index, "currency"), problem))
        if findings:
            self.tb_rows_refused += 1
        elif placed is not None and placed.line is None and line.amount:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "unmapped-account",
                    Where("trial_balance", index, "account"),
                    f"account {line.account} maps to no group line "
                    f"({placed.not_mapped or 'no range of the chart holds it'}): consolidation "
                    f"cannot use its balance of {line.amount}",
                )
            )
        intra = placed is not None and placed.intra_network
        if line.partner is not None:
            if line.partner not in self.entities or line.partner == self.entity.code:
                findings.append(
                    error(
                        "partner",
                        Where("trial_balance", index, "partner"),
                        f"partner {line.partner!r} must be another entity of the network "
                        f"({', '.join(c for c in self.entities if c != self.entity.code)})",
                    )
                )
            elif placed is not None and not intra:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        "partner-on-external-account",
                        Where("trial_balance", index, "partner"),
                        f"account {line.account} is not an intra-network account, "
                        f"yet it names partner {line.partner}",
                    )
                )
        elif intra:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "intra-network-partner",
                    Where("trial_balance", index, "partner"),
                    f"account {line.account} holds intra-network balances: name the partner "
                    "entity so that consolidation can eliminate it",
                )
            )
        return findings

    def duplicates(self, repeated: list[tuple[str, str | None, list[int]]]) -> list[Finding]:
        """Accounts given more than once (found by the database over the stored rows, so that
        the check needs no memory per row here): each repeat after the first is an error."""
        findings: list[Finding] = []
        for account, partner, positions in repeated:
            with_partner = f" with partner {partner}" if partner else ""
            findings.extend(
                error(
                    "unique-account",
                    Where("trial_balance", position, "account"),
                    f"account {account}{with_partner} is repeated: one line per account "
                    "and partner",
                )
                for position in positions[1:]
            )
        return findings

    def finish(self, previous_lines: Mapping[str, Decimal]) -> list[Finding]:
        """Checks over the whole report, once every line and row has been seen."""
        findings: list[Finding] = []
        if not self.lines and self.tb_rows == 0:
            findings.append(
                error(
                    "not-empty",
                    Where("statements"),
                    "give statement lines, a trial balance, or both",
                )
            )
        tolerance = self.rules.tolerances.trial_balance
        if self.tb_rows and abs(self.tb_total) > tolerance:
            findings.append(
                error(
                    "trial-balance-balances",
                    Where("trial_balance"),
                    f"the trial balance does not balance: debits minus credits = {self.tb_total} "
                    f"{self.entity.currency} (tolerance {tolerance})",
                )
            )
        findings.extend(self._totals())
        findings.extend(self._balance_sheet_balances())
        rounding, currency = self.rules.tolerances.rounding, self.entity.currency
        if self.lines and self.tb_rows and not self.tb_rows_refused:
            findings.extend(
                lines_against_trial_balance(
                    self.group, self.lines, self.tb_by_line, rounding, currency
                )
            )
        findings.extend(result_of_the_year(self.group, self.lines, rounding, currency))
        share = self.rules.warnings.change_share
        for code, amount in self.lines.items():
            warning = change_warning(
                Where("lines", None, code), code, amount, previous_lines.get(code), share
            )
            if warning is not None:
                findings.append(warning)
        return findings

    def _totals(self) -> Iterator[Finding]:
        tolerance = self.rules.tolerances.rounding
        for line in self.group.lines.values():
            total = self.lines.get(line.code)
            parts = [self.lines[c] for c in line.children if c in self.lines]
            if total is None or not parts:
                continue
            difference = total - sum(parts, Decimal(0))
            if difference == 0:
                continue
            where = Where("lines", None, line.code)
            text = (
                f"{line.code} {line.label}: the parts add up to {sum(parts, Decimal(0))}, "
                f"the total says {total} (difference {difference})"
            )
            if abs(difference) <= tolerance:
                yield Finding(
                    Severity.NOTICE,
                    "rounding-difference",
                    where,
                    f"{text}: published rounding, accepted",
                )
            else:
                yield error("parts-add-up", where, f"{text}, beyond the tolerance of {tolerance}")

    def _balance_sheet_balances(self) -> Iterator[Finding]:
        roots = self.group.roots(Statement.BALANCE_SHEET)
        if len(roots) != 2:
            return
        assets, liabilities = (self.lines.get(root.code) for root in roots)
        if assets is None or liabilities is None:
            return
        difference = assets - liabilities
        if difference == 0:
            return
        text = (
            f"total assets {assets} differ from total liabilities and equity {liabilities} "
            f"by {difference}"
        )
        where = Where("lines", None, roots[1].code)
        if abs(difference) <= self.rules.tolerances.rounding:
            yield Finding(
                Severity.NOTICE, "balance-sheet-balances", where, f"{text}: rounding, accepted"
            )
        else:
            yield error("balance-sheet-balances", where, text)
