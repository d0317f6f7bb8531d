"""Belgium's published consolidated balance sheet and income statement (annual report 2024),
by group-chart line: (line, 2023, 2024), in EUR, rounded to the euro as published."""

from __future__ import annotations

from decimal import Decimal

from hub.reporting.model import StatementLineIn

BELGIUM: tuple[tuple[str, int, int], ...] = (
    ("BS.A.FA", 21_234_462, 21_119_860),
    ("BS.A.FA.II", 3_582_971, 3_741_474),
    ("BS.A.FA.III", 7_842_884, 7_433_206),
    ("BS.A.FA.III.A", 1_916_215, 2_063_854),
    ("BS.A.FA.III.B", 4_267_934, 3_843_313),
    ("BS.A.FA.III.C", 201_445, 197_018),
    ("BS.A.FA.III.D", 375, 0),
    ("BS.A.FA.III.E", 1_387_327, 1_329_021),
    ("BS.A.FA.III.F", 69_588, 0),
    ("BS.A.FA.IV", 9_808_607, 9_945_180),
    ("BS.A.FA.IV.A", 7_210_018, 7_350_318),
    ("BS.A.FA.IV.B", 2_544_367, 2_562_028),
    ("BS.A.FA.IV.C", 54_222, 32_834),
    ("BS.A.CA", 50_325_668, 50_521_460),
    ("BS.A.CA.V", 681_830, 589_263),
    ("BS.A.CA.VII", 28_898_061, 28_704_655),
    ("BS.A.CA.VII.A", 23_713_845, 22_277_231),
    ("BS.A.CA.VII.B", 5_184_215, 6_427_424),
    ("BS.A.CA.VIII", 5_000_000, 7_000_000),
    ("BS.A.CA.IX", 14_683_029, 13_132_217),
    ("BS.A.CA.X", 1_062_748, 1_095_325),
    ("BS.A", 71_560_130, 71_641_320),
    ("BS.L.EQ", 39_856_476, 41_447_343),
    ("BS.L.EQ.I", 3_537_262, 4_083_712),
    ("BS.L.EQ.IV", 36_674_166, 36_674_166),
    ("BS.L.EQ.V", 5_545_325, -354_952),
    ("BS.L.EQ.VY", -5_900_277, 1_044_417),
    ("BS.L.PR", 79_566, 180_627),
    ("BS.L.DE", 31_624_089, 30_013_350),
    ("BS.L.DE.VIII", 2_110_612, 308_212),
    ("BS.L.DE.IX", 29_200_947, 29_402_593),
    ("BS.L.DE.IX.A", 249_797, 2_030_205),
    ("BS.L.DE.IX.C", 6_742_198, 7_973_013),
    ("BS.L.DE.IX.D", 0, 0),
    ("BS.L.DE.IX.E", 18_228_010, 15_405_207),
    ("BS.L.DE.IX.F", 3_980_942, 3_994_168),
    ("BS.L.DE.X", 312_530, 302_545),
    ("BS.L", 71_560_130, 71_641_320),
    ("IS.TI.PE", 193_766_363, 197_677_870),
    ("IS.TI.PE.ACT", 119_488_733, 122_060_140),
    ("IS.TI.PE.CON", 73_943_329, 75_368_028),
    ("IS.TI.PE.OTH", 334_301, 249_702),
    ("IS.TI.SALES", 1_024_973, 890_418),
    ("IS.TI.CC", 27_297_504, 28_663_495),
    ("IS.TI.CC.TURN", 12_568_921, 12_831_447),
    ("IS.TI.CC.WORK", 14_728_583, 15_832_048),
    ("IS.TI.SUB", 283_665, 572_618),
    ("IS.TI", 222_372_506, 227_804_401),
    ("IS.PEC", -193_982_993, -197_589_174),
    ("IS.GM", 28_389_513, 30_215_227),
    ("IS.SHARED", -22_525_381, -24_369_730),
    ("IS.EBITDA", 5_864_132, 5_845_497),
    ("IS.OOI", 554_540, 30_408),
    ("IS.EXC", -562_740, -421_901),
    ("IS.DEP", -9_753_652, -2_468_315),
    ("IS.EBIT", -3_897_721, 2_985_688),
    ("IS.FIN", 45_618, 155_780),
    ("IS.RBT", -3_852_103, 3_141_467),
    ("IS.TAX", -2_047_397, -2_097_051),
    ("IS.NET", -5_899_500, 1_044_417),
)

YEARS = {"2023": 1, "2024": 2}


def belgian_lines(period: str) -> tuple[StatementLineIn, ...]:
    column = YEARS[period]
    return tuple(
        StatementLineIn(line=row[0], amount=Decimal(row[column]), currency="EUR") for row in BELGIUM
    )
