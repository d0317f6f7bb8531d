"""The ECB file parser and the period rates derived from it, on the excerpt and on small files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.fx.ecb import (
    EcbFile,
    EcbFormatError,
    decode_lines,
    derive_rates,
    mean_half_even,
    parse_ecb,
)
from hub.fx.model import DerivedRate, RateKey


def derived_by_key(ecb: EcbFile) -> dict[RateKey, DerivedRate]:
    return {rate.key: rate for rate in derive_rates(ecb)}


@pytest.fixture(scope="module")
def excerpt_rates(ecb_excerpt: bytes) -> dict[RateKey, DerivedRate]:
    return derived_by_key(parse_ecb(decode_lines(ecb_excerpt)))


def test_the_excerpt_is_read_whole(ecb_excerpt: bytes) -> None:
    ecb = parse_ecb(decode_lines(ecb_excerpt))
    assert len(ecb.days) == 568
    assert (ecb.days[0], ecb.days[-1]) == (dt.date(2012, 12, 3), dt.date(2025, 1, 24))
    assert ecb.rates["SEK"][dt.date(2024, 12, 31)] == Decimal("11.459")
    assert ecb.rates["HUF"][dt.date(2022, 12, 2)] == Decimal("410")
    # N/A: the currencies the euro replaced, and the rouble since March 2022.
    assert ecb.rates["CYP"] == {}
    assert max(ecb.rates["RUB"]) == dt.date(2012, 12, 31)
    assert dt.date(2023, 1, 2) not in ecb.rates["HRK"]
    assert ecb.daily_count == 17_118


def test_sek_average_and_closing_of_2023_and_2024(
    excerpt_rates: dict[RateKey, DerivedRate],
) -> None:
    average_2023 = excerpt_rates[RateKey.average("SEK", "2023")]
    assert average_2023.rate == Decimal("11.4788")
    assert average_2023.basis == (
        "mean of 255 ECB rates from 2023-01-02 to 2023-12-29, rounded half-even to 4 decimals"
    )
    closing_2023 = excerpt_rates[RateKey.closing("SEK", "2023")]
    assert (closing_2023.rate, closing_2023.basis) == (Decimal("11.096"), "ECB rate of 2023-12-29")
    average_2024 = excerpt_rates[RateKey.average("SEK", "2024")]
    assert average_2024.rate == Decimal("11.4325")
    assert average_2024.basis == (
        "mean of 256 ECB rates from 2024-01-02 to 2024-12-31, rounded half-even to 4 decimals"
    )
    closing_2024 = excerpt_rates[RateKey.closing("SEK", "2024")]
    assert (closing_2024.rate, closing_2024.basis) == (Decimal("11.459"), "ECB rate of 2024-12-31")


def test_opening_is_the_last_rate_before_the_period(
    excerpt_rates: dict[RateKey, DerivedRate],
) -> None:
    opening = excerpt_rates[RateKey.opening("SEK", "2024")]
    assert (opening.rate, opening.basis) == (
        Decimal("11.096"),
        "ECB rate of 2023-12-29, the last before 2024",
    )
    assert excerpt_rates[RateKey.opening("SEK", "2024-Q2")].basis == (
        "ECB rate of 2024-03-28, the last before 2024-Q2"  # Good Friday and Easter Monday
    )
    assert excerpt_rates[RateKey.opening("SEK", "2025")].rate == Decimal("11.459")


def test_monthly_and_quarterly_averages(excerpt_rates: dict[RateKey, DerivedRate]) -> None:
    september = excerpt_rates[RateKey.average("SEK", "2024-09")]
    # 21 rates, mean 11.35772857...
    assert september.rate == Decimal("11.3577")
    assert september.basis == (
        "mean of 21 ECB rates from 2024-09-02 to 2024-09-30, rounded half-even to 4 decimals"
    )
    assert excerpt_rates[RateKey.average("SEK", "2024-Q3")].basis.startswith("mean of 66 ")
    assert excerpt_rates[RateKey.closing("SEK", "2024-09")].rate == Decimal("11.3")


def test_averages_keep_the_precision_the_ecb_quotes_each_currency_with(
    excerpt_rates: dict[RateKey, DerivedRate],
) -> None:
    # Yen: two decimals (2024 mean 163.8519140625); the forint's 410 of 2022-12-02 is 410.00.
    assert excerpt_rates[RateKey.average("JPY", "2024")].rate == Decimal("163.85")
    assert excerpt_rates[RateKey.average("HUF", "2022-12")].basis.endswith("to 2 decimals")
    assert excerpt_rates[RateKey.average("GBP", "2024")].basis.endswith("to 5 decimals")


def test_the_2012_month_its_closing_and_what_the_hole_after_it_withholds(
    excerpt_rates: dict[RateKey, DerivedRate],
) -> None:
    for period in ("2012-12", "2012-Q4", "2012"):
        closing = excerpt_rates[RateKey.closing("SEK", period)]
        assert (closing.rate, closing.basis) == (Decimal("8.582"), "ECB rate of 2012-12-31")
    # December 2012 starts on a weekend: the file has all of it; not all of its quarter or year.
    assert excerpt_rates[RateKey.average("SEK", "2012-12")].basis.startswith("mean of 19 ")
    assert RateKey.average("SEK", "2012-Q4") not in excerpt_rates
    assert RateKey.average("SEK", "2012") not in excerpt_rates
    assert RateKey.average("SEK", "2022") not in excerpt_rates
    # Nothing before the file starts; ten years missing before December 2022.
    assert RateKey.opening("SEK", "2012-12") not in excerpt_rates
    assert RateKey.opening("SEK", "2022-12") not in excerpt_rates
    assert excerpt_rates[RateKey.closing("SEK", "2022")].rate == Decimal("11.1218")


def test_an_unfinished_period_has_no_closing_or_average(
    excerpt_rates: dict[RateKey, DerivedRate],
) -> None:
    for period in ("2025-01", "2025-Q1", "2025"):
        assert RateKey.closing("SEK", period) not in excerpt_rates
        assert RateKey.average("SEK", period) not in excerpt_rates
        assert RateKey.opening("SEK", period) in excerpt_rates


def test_a_currency_that_stops_has_rates_only_for_the_periods_it_was_quoted_through(
    excerpt_rates: dict[RateKey, DerivedRate],
) -> None:
    # The kuna's last rate is of 2022-12-30: Croatia adopted the euro on 2023-01-01.
    assert excerpt_rates[RateKey.closing("HRK", "2022-12")].rate == Decimal("7.5365")
    assert not [k for k in excerpt_rates if k.currency == "HRK" and str(k.period) >= "2023"]
    assert not [key for key in excerpt_rates if key.currency == "CYP"]
    assert {str(k.period)[:4] for k in excerpt_rates if k.currency == "RUB"} == {"2012"}


# --- small files -------------------------------------------------------------------------------


def weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = (first + dt.timedelta(n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5]


def ecb_lines(days: list[dt.date], rate: str = "1.5") -> list[str]:
    return ["Date,USD,", *(f"{day},{rate}," for day in reversed(days))]


def test_a_file_that_starts_or_ends_inside_a_month_gives_no_average_for_it() -> None:
    # As the ECB's 90-day file: from Monday 2024-10-28 to Friday 2024-11-29.
    rates = derived_by_key(
        parse_ecb(ecb_lines(weekdays(dt.date(2024, 10, 28), dt.date(2024, 11, 29))))
    )
    assert RateKey.average("USD", "2024-10") not in rates
    assert rates[RateKey.closing("USD", "2024-10")].basis == "ECB rate of 2024-10-31"
    # Saturday 2024-11-30 is not in the file yet: November may not be over.
    assert RateKey.closing("USD", "2024-11") not in rates
    assert RateKey.average("USD", "2024-11") not in rates
    assert rates[RateKey.opening("USD", "2024-11")].basis == (
        "ECB rate of 2024-10-31, the last before 2024-11"
    )


def test_a_missing_week_inside_a_month_withholds_its_average() -> None:
    days = [
        d
        for d in weekdays(dt.date(2024, 5, 1), dt.date(2024, 6, 3))
        if not dt.date(2024, 5, 13) <= d <= dt.date(2024, 5, 17)
    ]
    rates = derived_by_key(parse_ecb(ecb_lines(days)))
    assert RateKey.average("USD", "2024-05") not in rates
    assert rates[RateKey.closing("USD", "2024-05")].rate == Decimal("1.5")


def test_the_file_is_read_in_any_column_order_with_blank_lines_crlf_and_no_trailing_comma() -> None:
    ecb = parse_ecb(
        [
            "\ufeffSEK, USD ,Date\r\n",
            "\r\n",
            "11.459,N/A,2024-12-31\r\n",
            "11.4565,1.0444,2024-12-30\r\n",
            "   \n",
            ",1.0441,2024-12-27\r\n",
        ]
    )
    assert ecb.days == (dt.date(2024, 12, 27), dt.date(2024, 12, 30), dt.date(2024, 12, 31))
    assert ecb.rates == {
        "SEK": {
            dt.date(2024, 12, 30): Decimal("11.4565"),
            dt.date(2024, 12, 31): Decimal("11.459"),
        },
        "USD": {dt.date(2024, 12, 27): Decimal("1.0441"), dt.date(2024, 12, 30): Decimal("1.0444")},
    }


HEADER = "Date,USD,SEK,"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["Day,USD,SEK,", "2024-01-02,1.1,11.2,"], "line 1: no Date column"),
        (
            [HEADER, "2024-01-03,1.1,11.2,", "2024-01-02,1.1,abc,"],
            "line 3: 'abc' is not a rate for SEK",
        ),
        ([HEADER, "2024-01-02,1.1,-11.2,"], "line 2: '-11.2' is not a rate for SEK"),
        ([HEADER, "2024-01-02,1.1,1e3,"], "line 2: '1e3' is not a rate for SEK"),
        ([HEADER, "2024-01-02,0,11.2,"], "line 2: '0' is not a rate for USD: rates are positive"),
        ([HEADER, "2024-01-02,1,1,11.2,"], "line 2: 4 values where the header has 3 columns"),
        ([HEADER, "2024-01-02,1.1"], "line 2: 2 values where the header has 3 columns"),
        (
            [HEADER, "02/01/2024,1.1,11.2,"],
            "line 2: '02/01/2024' is not a date (expected YYYY-MM-DD)",
        ),
        (
            [HEADER, "2024-02-30,1.1,11.2,"],
            "line 2: '2024-02-30' is not a date (expected YYYY-MM-DD)",
        ),
        (
            [HEADER, "2024-01-02,1.1,11.2,", "", "2024-01-02,1.1,11.2,"],
            "line 4: 2024-01-02 appears twice (first on line 2)",
        ),
        (["Date,USD,SEK,SEK,"], "line 1: column SEK appears twice"),
        (["Date,USD,Date,"], "line 1: column Date appears twice"),
        (["Date,USD,,SEK,"], "line 1: column 3 has no name"),
        (["Date,USD,Sek,"], "line 1: 'Sek' is not a currency code (three upper-case letters)"),
        (["Date,"], "line 1: no currency columns"),
        ([], "line 1: the file is empty: expected a header line 'Date,USD,JPY,...'"),
        (["", "  "], "line 1: the file is empty: expected a header line 'Date,USD,JPY,...'"),
    ],
)
def test_a_malformed_file_is_refused_with_the_line_and_the_reason(
    lines: list[str], message: str
) -> None:
    with pytest.raises(EcbFormatError) as raised:
        parse_ecb(lines)
    assert str(raised.value) == message


def test_bytes_that_are_not_utf8_are_refused_with_their_line() -> None:
    with pytest.raises(EcbFormatError) as raised:
        decode_lines(b"Date,SEK,\n2024-01-02,11.2,\n2024-01-01,\xff,\n")
    assert str(raised.value) == "line 3: not UTF-8 text"
    assert decode_lines(b"\xef\xbb\xbfDate,SEK,\n") == ["Date,SEK,", ""]


# --- rounding ----------------------------------------------------------------------------------


def test_the_mean_rounds_half_to_even() -> None:
    assert mean_half_even([Decimal("1.0001"), Decimal("1.0002")], 4) == Decimal("1.0002")
    assert mean_half_even([Decimal("1.0002"), Decimal("1.0003")], 4) == Decimal("1.0002")
    assert mean_half_even([Decimal("163.9"), Decimal("162.58")], 2) == Decimal("163.24")
    assert mean_half_even([Decimal("410"), Decimal("411")], 0) == Decimal("410")


@given(
    st.lists(
        st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100_000), places=4),
        min_size=1,
        max_size=300,
    )
)
def test_the_mean_equals_the_exact_mean_rounded_half_even(rates: list[Decimal]) -> None:
    exact = sum((Fraction(rate) for rate in rates), Fraction(0)) / len(rates)
    scaled = exact * 10_000
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    rounded = floor + (1 if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2) else 0)
    assert mean_half_even(rates, 4) == Decimal(rounded).scaleb(-4)
