"""Turning a workbook into what a reader sees: LibreOffice prints it to PDF, poppler gives the
pages' text and pictures. The pictures are read as PPM (poppler's own output), no imaging
library needed."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    pixels: bytes  # RGB, row by row

    def positions(
        self, colours: list[str], tolerance: int = 40
    ) -> dict[str, list[tuple[int, int]]]:
        """(x, y) of the pixels within `tolerance` of each colour (RRGGBB) on every channel."""
        wanted = [(c, int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)) for c in colours]
        found: dict[str, list[tuple[int, int]]] = {c: [] for c in colours}
        data = self.pixels
        for index in range(self.width * self.height):
            red, green, blue = data[index * 3 : index * 3 + 3]
            if max(red, green, blue) - min(red, green, blue) < 30:
                continue  # white, grey, black: paper, text, grid
            for colour, r, g, b in wanted:
                if (
                    abs(red - r) <= tolerance
                    and abs(green - g) <= tolerance
                    and abs(blue - b) <= tolerance
                ):
                    found[colour].append((index % self.width, index // self.width))
                    break
        return found


def read_ppm(path: Path) -> Picture:
    """A binary PPM (P6, 8 bits a channel), as pdftoppm writes it."""
    data = path.read_bytes()
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        if data[position : position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    magic, width, height, depth = fields
    assert (magic, depth) == (b"P6", b"255"), f"{path}: not an 8-bit P6 PPM"
    start = position + 1
    size = int(width) * int(height) * 3
    return Picture(int(width), int(height), data[start : start + size])


def office() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail(
            "LibreOffice is needed to judge the workbooks printed: apt-get install "
            "libreoffice-calc-nogui poppler-utils fonts-crosextra-carlito (.ci/run does)"
        )
    return found


def to_pdf(workbooks: list[Path], folder: Path) -> list[Path]:
    """Print every workbook to PDF in one LibreOffice run (its start-up is the slow part)."""
    done = subprocess.run(
        [
            office(),
            "--headless",
            f"-env:UserInstallation=file://{folder}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, workbooks),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [folder / f"{workbook.stem}.pdf" for workbook in workbooks]


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[: pages(pdf)]


def picture(pdf: Path, page: int, resolution: int, stem: Path) -> tuple[Path, Path]:
    """The page as PPM (to count pixels) and as PNG (to look at), at `resolution` dpi."""
    for kind in ([], ["-png"]):  # PPM is pdftoppm's default
        subprocess.run(
            [
                "pdftoppm",
                *kind,
                "-r",
                str(resolution),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
        )
    return stem.with_suffix(".ppm"), stem.with_suffix(".png")
