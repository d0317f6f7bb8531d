"""The worked example: Belgium (EUR, parent) and Sweden (SEK, held at 80 % since Belgium paid
in its capital on 31 Dec 2012), 2024, with an intra-network loan from Belgium to Sweden, at the
real ECB EUR/SEK rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hub.consolidation.model import (
    ONE,
    AcquisitionTerms,
    Balance,
    EntityInput,
    EntityRates,
    EquityLine,
    Opening,
)
from hub.consolidation.translation import exact
from hub.registry.model import ConsolidationMethod

# ECB reference rates, SEK per EUR (eurofxref-hist.csv): closing 31 Dec 2024 11.459, 2024
# average 11.4325, closing 29 Dec 2023 (2024's opening) 11.096; 31 Dec 2012 8.582, the day
# Sweden's capital was paid in.
SEK_2024 = EntityRates(
    closing=Decimal("11.459"), average=Decimal("11.4325"), opening=Decimal("11.096")
)
EUR = ONE
ACQUIRED = dt.date(2012, 12, 31)
AT_ACQUISITION = Decimal("8.582")

# Belgium paid 100,000 EUR for 80 % of Sweden's capital of 1,000,000 SEK (its whole equity).
SWEDEN_ACQUISITION = AcquisitionTerms(
    subsidiary="SE",
    parent="BE",
    acquired_on=ACQUIRED,
    method=ConsolidationMethod.FULL,
    share=Decimal("0.8"),
    consideration=Decimal(100_000),
    rate=AT_ACQUISITION,
    equity=(Balance("BS.L.EQ.I", Decimal(-1_000_000)),),
)
# Nothing but the capital since: Sweden's equity opens each year as it was acquired.
SWEDEN_OPENING = Opening(
    lines=(
        EquityLine(
            line="BS.L.EQ.I",
            local=Decimal(-1_000_000),
            translated=exact(Decimal(-1_000_000) / AT_ACQUISITION),
        ),
    ),
    source="acquisition of 2012-12-31",
)

BELGIUM = EntityInput(
    entity="BE",
    currency="EUR",
    method=ConsolidationMethod.PARENT,
    parent=None,
    submission_id=1,
    version=1,
    balances=(
        Balance("BS.A.CA.IX", Decimal(1_980_000)),  # cash
        Balance("BS.A.FA.IV.A", Decimal(500_000), partner="SE"),  # loan to Sweden
        Balance("BS.A.FA.IV.A", Decimal(100_000), partner="SE", investment=True),  # 80 % of SE
        Balance("BS.L.EQ.I", Decimal(-1_500_000)),  # capital
        Balance("BS.L.DE.IX.C", Decimal(-600_000)),  # trade debts
        Balance("IS.TI.PE.ACT", Decimal(-3_000_000)),  # turnover
        Balance("IS.PEC", Decimal(2_520_000)),  # production-unit costs
    ),
)
SWEDEN = EntityInput(
    entity="SE",
    currency="SEK",
    method=ConsolidationMethod.FULL,
    parent="BE",
    submission_id=2,
    version=1,
    opening=SWEDEN_OPENING,
    balances=(
        Balance("BS.A.CA.IX", Decimal(8_000_000)),  # cash
        # the loan, booked at the 2023 closing rate: 500,000 EUR x 11.096 = 5,548,000 SEK
        Balance("BS.L.DE.VIII.A", Decimal(-5_548_000), partner="BE"),
        Balance("BS.L.EQ.I", Decimal(-1_000_000)),  # capital
        Balance("IS.TI.PE.ACT", Decimal(-29_804_528)),  # turnover (the published 2,607,000 EUR)
        Balance("IS.PEC", Decimal(28_352_528)),  # production-unit costs
    ),
)

# 2023: closing 29 Dec 2023 11.096, average 11.4788, opening (30 Dec 2022) 11.1218. Sweden had
# just borrowed the 500,000 EUR.
SEK_2023 = EntityRates(
    closing=Decimal("11.096"), average=Decimal("11.4788"), opening=Decimal("11.1218")
)
BELGIUM_2023 = EntityInput(
    entity="BE",
    currency="EUR",
    method=ConsolidationMethod.PARENT,
    parent=None,
    submission_id=3,
    version=1,
    balances=(
        Balance("BS.A.CA.IX", Decimal(1_500_000)),
        Balance("BS.A.FA.IV.A", Decimal(500_000), partner="SE"),
        Balance("BS.A.FA.IV.A", Decimal(100_000), partner="SE", investment=True),
        Balance("BS.L.EQ.I", Decimal(-1_500_000)),
        Balance("BS.L.DE.IX.C", Decimal(-600_000)),
    ),
)
SWEDEN_2023 = EntityInput(
    entity="SE",
    currency="SEK",
    method=ConsolidationMethod.FULL,
    parent="BE",
    submission_id=4,
    version=1,
    opening=SWEDEN_OPENING,
    balances=(
        Balance("BS.A.CA.IX", Decimal(6_548_000)),
        Balance("BS.L.DE.VIII.A", Decimal(-5_548_000), partner="BE"),
        Balance("BS.L.EQ.I", Decimal(-1_000_000)),
    ),
)
