"""The network hub: collect, compare and consolidate the figures of the Smart network."""

import os

# openpyxl parses through defusedxml whenever it is installed, with ElementTree's pure-Python
# parser: uploads then read 40 % slower. The hub refuses every DTD in an uploaded package
# before openpyxl reads it (hub/excel/package.py), and without a DTD there is no entity to
# expand or fetch; the C parser is kept. Set OPENPYXL_DEFUSEDXML=True to have both.
os.environ.setdefault("OPENPYXL_DEFUSEDXML", "False")
