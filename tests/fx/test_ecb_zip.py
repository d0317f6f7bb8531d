"""The ECB's zip archive (eurofxref-hist.zip) imported as its CSV, measured before it is
inflated: an archive that is not the ECB's, a crafted one and a damaged one are refused with the
reason and store nothing. Pure checks on `ecb_csv`, then the REST import end to end."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.fx.archive import ArchiveError, ecb_csv
from hub.reporting.rules import ReportingRules, load_reporting_rules
from tests.conftest import REPO
from tests.fx.test_api import bearer


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def rules() -> ReportingRules:
    return load_reporting_rules(REPO / "config" / "reporting.toml")


def test_the_csv_inside_the_ecb_zip_is_read_and_a_csv_passes_as_it_is(
    ecb_excerpt: bytes, rules: ReportingRules
) -> None:
    archive = zipped(("eurofxref-hist.csv", ecb_excerpt))
    assert archive.startswith(b"PK")
    assert len(archive) < len(ecb_excerpt)
    assert ecb_csv(archive, rules.upload) == ecb_excerpt
    assert ecb_csv(ecb_excerpt, rules.upload) is ecb_excerpt


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            (("readme.txt", b"rates"),),
            "the zip archive holds 0 CSV files (readme.txt); the ECB's eurofxref-hist.zip holds "
            "one, eurofxref-hist.csv",
        ),
        (
            (("a.csv", b"Date,USD,\n"), ("b.csv", b"Date,USD,\n")),
            "the zip archive holds 2 CSV files (a.csv, b.csv); the ECB's eurofxref-hist.zip "
            "holds one, eurofxref-hist.csv",
        ),
        (
            # 8 MiB of one byte deflates about 1,000 to 1: a bomb's ratio, over the limit of 100.
            (("eurofxref-hist.csv", b"0" * (8 << 20)),),
            "the zip archive is refused: the part eurofxref-hist.csv inflates 1,028 times its "
            "compressed size (to 8 MiB); the limit is 100 times",
        ),
    ],
)
def test_an_archive_that_is_not_the_ecbs_is_refused_with_the_reason(
    members: tuple[tuple[str, bytes], ...], message: str, rules: ReportingRules
) -> None:
    with pytest.raises(ArchiveError) as refused:
        ecb_csv(zipped(*members), rules.upload)
    assert str(refused.value) == message


def test_a_damaged_archive_is_refused(ecb_excerpt: bytes, rules: ReportingRules) -> None:
    archive = zipped(("eurofxref-hist.csv", ecb_excerpt))
    data_start = 30 + len("eurofxref-hist.csv")  # the local header, then the deflated bytes
    damaged = archive[:data_start] + bytes(200) + archive[data_start + 200 :]
    with pytest.raises(ArchiveError) as refused:
        ecb_csv(damaged, rules.upload)
    assert str(refused.value).startswith("the zip archive is damaged or incomplete (")
    assert str(refused.value).endswith("): download it again")


async def test_finance_imports_the_zip_over_rest_and_a_bad_one_stores_nothing(
    client: AsyncTestClient[Any], tokens: dict[str, str], ecb_excerpt: bytes
) -> None:
    finance = bearer(tokens["finance"])
    empty = zipped(("readme.txt", b"no rates"))
    refused = await client.post("/api/fx/ecb", content=empty, headers=finance)
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": "file: the zip archive holds 0 CSV files (readme.txt); the ECB's "
        "eurofxref-hist.zip holds one, eurofxref-hist.csv"
    }
    rates = await client.post(
        "/graphql",
        json={"query": '{ exchangeRates(currency: ["SEK"], period: ["2024"]) { rate } }'},
        headers=finance,
    )
    assert rates.json() == {"data": {"exchangeRates": []}}

    archive = zipped(("eurofxref-hist.csv", ecb_excerpt))
    response = await client.post("/api/fx/ecb", content=archive, headers=finance)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["days"], body["first_day"], body["last_day"], body["added"]) == (
        568,
        "2012-12-03",
        "2025-01-24",
        3406,
    )
    closing = await client.post(
        "/graphql",
        json={
            "query": '{ exchangeRates(currency: ["SEK"], period: ["2024"], type: [CLOSING]) '
            "{ rate source } }"
        },
        headers=finance,
    )
    assert closing.json() == {"data": {"exchangeRates": [{"rate": "11.459", "source": "ECB"}]}}
