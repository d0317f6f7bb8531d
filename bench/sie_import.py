"""A synthetic SIE 4 file with 1,000,000 `#TRANS` rows: the hub's reader (every field checked,
every voucher balanced, the trial balance derived) against the floor for a line format — Python
decoding the same file and splitting its lines into fields, nothing more — side by side in one
run, interleaved, on the same file on disk.

    python -m bench.sie_import [--rows 1000000] [--runs 3]

Prints min/median/max of both, the ratio of the medians (target: at most 3x), and the reader's
peak Python memory for a quarter of the rows and for all of them (flat: about 1x).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from hub.imports import sie
from hub.imports.formats import Source

ACCOUNTS = ("1510", "1930", "2440", "2641", "3041", "4010", "5010", "6110", "7010", "8310")


def write_file(path: Path, rows: int) -> None:
    """A Swedish company's year: opening balances, then vouchers of four rows each (a sale, its
    VAT, the receivable, a cost), CP437, with the quoted texts and object lists real files
    have."""
    with path.open("w", encoding="cp437", newline="\r\n") as out:
        out.write('#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#PROGRAM "Bench" 1.0\n#GEN 20250115\n')
        out.write('#FNAMN "Bänkbolaget AB"\n#ORGNR 556677-8899\n#RAR 0 20240101 20241231\n')
        for account in ACCOUNTS:
            out.write(f'#KONTO {account} "Konto {account} åäö"\n')
        out.write("#IB 0 1930 100000.00\n#IB 0 2440 -100000.00\n")
        for number in range(1, rows // 4 + 1):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=number % 366)
            date = day.strftime("%Y%m%d")
            cents = 10000 + number % 9000
            amount = f"{cents // 100}.{cents % 100:02d}"
            vat = f"{cents // 400}.{(cents // 4) % 100:02d}"
            whole = (cents // 4) + cents
            total = f"{whole // 100}.{whole % 100:02d}"
            out.write(f'#VER A {number} {date} "Faktura {number} kund Åström"\n{{\n')
            out.write(f'   #TRANS 1510 {{}} {total} {date} "Kundfordran"\n')
            out.write(f'   #TRANS 3041 {{1 "Nord"}} -{amount}\n')
            out.write(f"   #TRANS 2641 {{}} -{vat}\n")
            out.write(f'   #TRANS 6110 {{}} 0.00 {date} "Avrundning"\n')
            out.write("}\n")


def floor(path: Path) -> int:
    """Decode and split into fields: what any reader of a line format must at least do."""
    count = 0
    rest = ""
    for chunk in Source(name=path.name, path=path).chunks():
        lines = (rest + chunk.decode("cp437")).split("\n")
        rest = lines.pop()
        for line in lines:
            count += len(line.split())
    return count + len(rest.split())


def reader(path: Path) -> int:
    ledger, problems = sie.read(
        [Source(name=path.name, path=path)],
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        None,
        {},
    )
    assert ledger is not None, problems
    return len(ledger.balances)


def _timed(work: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def peak_memory(path: Path) -> int:
    tracemalloc.start()
    reader(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-bench-sie-") as folder:
        big = Path(folder) / "big.se"
        small = Path(folder) / "small.se"
        write_file(big, args.rows)
        write_file(small, args.rows // 4)
        size = big.stat().st_size
        print(f"SIE file: {args.rows:,} #TRANS rows, {size / 1e6:.1f} MB")
        floors, reads = [], []
        for _ in range(args.runs):  # interleaved: the machine's noise hits both alike
            floors.append(_timed(lambda: floor(big)))
            reads.append(_timed(lambda: reader(big)))

        def line(label: str, times: list[float]) -> str:
            return (
                f"{label:<44} min {min(times):6.2f} s  median {statistics.median(times):6.2f} s"
                f"  max {max(times):6.2f} s"
            )

        print(line("decode + split into fields (the floor)", floors))
        print(line("hub SIE reader (checked trial balance)", reads))
        ratio = statistics.median(reads) / statistics.median(floors)
        print(f"ratio reader / floor (medians): {ratio:.2f}x (target: at most 3x)")
        quarter, full = peak_memory(small), peak_memory(big)
        print(
            f"peak Python memory of the reader: {quarter / 1e6:.1f} MB for {args.rows // 4:,} "
            f"rows, {full / 1e6:.1f} MB for {args.rows:,} ({full / quarter:.2f}x for 4x the rows)"
        )


if __name__ == "__main__":
    main()
