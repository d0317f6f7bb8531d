"""Exchange rates as records: units of a currency per 1 unit of the group currency (EUR)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

import msgspec

# Where a rate entered by hand comes from; an ECB import never replaces such a rate.
MANUAL = "manual"


class RateType(StrEnum):
    CLOSING = "closing"  # the last daily rate of the period
    AVERAGE = "average"  # the mean of the period's daily rates
    OPENING = "opening"  # the last daily rate before the period starts
    HISTORICAL = "historical"  # an entity's rate of a past transaction (equity, investments)


# The types an ECB file gives: keyed by currency and period only.
PERIOD_TYPES = (RateType.CLOSING, RateType.AVERAGE, RateType.OPENING)


class RateKey(NamedTuple):
    """What identifies a rate. Its newest row is the effective one.

    Closing, average and opening rates are keyed by currency and period (entity and line None);
    historical rates by currency and entity, optionally a group-chart line and a period.
    Periods are in their canonical form (`str(parse_period(text))`): "2024", "2024-Q3", "2024-09".
    """

    currency: str
    type: RateType
    period: str | None = None
    entity: str | None = None
    line: str | None = None

    @classmethod
    def closing(cls, currency: str, period: str) -> RateKey:
        return cls(currency, RateType.CLOSING, period)

    @classmethod
    def average(cls, currency: str, period: str) -> RateKey:
        return cls(currency, RateType.AVERAGE, period)

    @classmethod
    def opening(cls, currency: str, period: str) -> RateKey:
        return cls(currency, RateType.OPENING, period)

    @classmethod
    def historical(
        cls, currency: str, entity: str, line: str | None = None, period: str | None = None
    ) -> RateKey:
        return cls(currency, RateType.HISTORICAL, period, entity, line)

    def describe(self) -> str:
        """`closing rate for SEK in 2024`, `historical rate for SEK of SE line BS.E.1`."""
        text = f"{self.type} rate for {self.currency}"
        if self.entity is not None:
            text += f" of {self.entity}"
        if self.line is not None:
            text += f" line {self.line}"
        if self.period is not None:
            text += f" in {self.period}"
        return text


class DailyRate(msgspec.Struct, frozen=True):
    currency: str
    day: dt.date
    rate: Decimal


class DerivedRate(msgspec.Struct, frozen=True, kw_only=True):
    """A closing, average or opening rate computed from daily rates; `basis` says how."""

    currency: str
    type: RateType
    period: str
    rate: Decimal
    basis: str

    @property
    def key(self) -> RateKey:
        return RateKey(self.currency, self.type, self.period)


class FxRate(msgspec.Struct, frozen=True, kw_only=True):
    """One stored rate row: effective while no newer row has the same key."""

    id: int
    currency: str
    type: RateType
    period: str | None
    entity: str | None
    line: str | None
    rate: Decimal
    source: str
    reason: str | None
    created_by: str | None
    created_at: dt.datetime

    @property
    def key(self) -> RateKey:
        return RateKey(self.currency, self.type, self.period, self.entity, self.line)


class RateIn(msgspec.Struct, frozen=True, kw_only=True):
    """A rate to store (an override, or a derived rate with its basis as the reason)."""

    currency: str
    type: RateType
    period: str | None
    entity: str | None = None
    line: str | None = None
    rate: Decimal
    reason: str | None


class ImportSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What an ECB import found and stored."""

    days: int  # dates in the file
    first_day: dt.date | None
    last_day: dt.date | None
    currencies: list[str]  # those with at least one rate
    daily_rates: int  # daily rates in the file
    daily_added: int  # ... not stored before
    daily_differing: int  # ... stored before with another value (the stored one is kept)
    derived: int  # closing, average and opening rates computed from the file
    added: int  # ... stored now: new, or the ECB's value changed
    unchanged: int  # ... equal to the effective rate already stored
    kept_overrides: int  # ... differing from a rate entered by hand, which stays effective
