"""Checks on a KPI submission before anything is stored. Every problem is returned at once."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from hub.registry.model import KpiDefinition, KpiUnit
from hub.registry.registry import Registry
from hub.reporting.model import FieldError, KpiSubmissionIn, KpiValueIn
from hub.reporting.period import PeriodError, parse_period

MAX_DIGITS = 28  # numeric(28, ...) is far beyond any amount the network reports
MAX_DECIMALS = 6


def check_entity(entity: str, registry: Registry) -> list[FieldError]:
    if entity in registry.entities:
        return []
    known = ", ".join(sorted(registry.entities))
    return [FieldError("entity", f"unknown entity {entity!r}; known entities: {known}")]


def validate_kpi_submission(submission: KpiSubmissionIn, registry: Registry) -> list[FieldError]:
    """All problems of a submission whose entity is known."""
    errors: list[FieldError] = []
    try:
        parse_period(submission.period)
    except PeriodError as error:
        errors.append(FieldError("period", str(error)))
    if not submission.values:
        errors.append(FieldError("values", "at least one KPI value is required"))
    currency = registry.entities[submission.entity].currency
    seen: dict[str, int] = {}
    for index, value in enumerate(submission.values):
        where = f"values[{index}]"
        kpi = registry.kpis.get(value.kpi)
        if kpi is None:
            known = ", ".join(sorted(registry.kpis))
            errors.append(FieldError(f"{where}.kpi", f"unknown KPI {value.kpi!r}; known: {known}"))
            continue
        if value.kpi in seen:
            errors.append(
                FieldError(
                    f"{where}.kpi", f"{value.kpi} is already given in values[{seen[value.kpi]}]"
                )
            )
        seen.setdefault(value.kpi, index)
        errors.extend(
            FieldError(f"{where}.{field}", message)
            for field, message in _value_problems(value, kpi, currency, submission.entity)
        )
    return errors


def _value_problems(
    value: KpiValueIn, kpi: KpiDefinition, currency: str, entity: str
) -> Iterator[tuple[str, str]]:
    amount = value.amount
    if not amount.is_finite():
        yield "amount", f"{amount} is not a number"
        return
    _, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)
    if -exponent > MAX_DECIMALS:
        yield "amount", f"{amount} has more than {MAX_DECIMALS} decimal places"
    if len(digits) + min(exponent, 0) > MAX_DIGITS - MAX_DECIMALS:
        yield "amount", f"{amount} is too large"
    if amount < 0 and not kpi.allow_negative:
        yield "amount", f"{kpi.code} must not be negative, got {amount}"
    if kpi.whole_numbers_only and amount != amount.to_integral_value():
        yield "amount", f"{kpi.code} counts {kpi.unit}: a whole number is required, got {amount}"
    if kpi.unit is KpiUnit.PERCENT and amount > Decimal(100):
        yield "amount", f"{kpi.code} is a percentage: at most 100, got {amount}"
    if kpi.is_money:
        if value.currency is None:
            yield "currency", f"{kpi.code} is an amount of money: give its currency ({currency})"
        elif value.currency != currency:
            yield (
                "currency",
                f"{entity} reports in {currency}, not {value.currency}",
            )
    elif value.currency is not None:
        yield "currency", f"{kpi.code} is measured in {kpi.unit}, not in a currency"
