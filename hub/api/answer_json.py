"""The bytes of a JSON answer: msgspec's encoder, several times faster than the standard
library's on the large answers the board and the reports send (docs/performance.md).

The same JSON as `json.dumps(answer, separators=(",", ":"), ensure_ascii=False)`: keys in their
order, no spaces; text is written as UTF-8 rather than as `\\uXXXX` escapes (both decode to the
same strings). Amounts are already strings (hub/api/scalars.py), so no number is re-formatted.
"""

from __future__ import annotations

import msgspec

_encoder = msgspec.json.Encoder()


def encode_answer(answer: object) -> bytes:
    return _encoder.encode(answer)
