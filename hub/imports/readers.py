"""The national formats the hub reads, as a table: a format's name (as in the country
profiles' `import_formats`) -> its reader."""

from __future__ import annotations

from hub.imports import datev, sie, table
from hub.imports.formats import Reader

FORMATS: dict[str, Reader] = {
    "sie": sie.read,
    "datev": datev.read,
    "csv": table.read,
}
