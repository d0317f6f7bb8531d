"""At most `upload.max_concurrent_uploads` uploads are checked at once.

Checking a workbook is CPU-bound Python in worker threads, which share the interpreter's lock
with the event loop serving every other request: each extra upload in flight slows them all
and speeds none. The others wait their turn, without reading their body, for at most
`upload.upload_wait_seconds`; then they are told to come back (HTTP 503 with Retry-After).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from hub.services import Hub


class Busy(Exception):
    def __init__(self, slots: int, seconds: int) -> None:
        super().__init__(
            f"the hub is checking {slots} other upload{'s' if slots != 1 else ''}, its limit "
            f"(upload.max_concurrent_uploads); try again in {seconds} "
            f"second{'s' if seconds != 1 else ''}"
        )
        self.retry_after = seconds


class UploadGate:
    def __init__(self, slots: int, wait_seconds: int) -> None:
        self.slots = slots
        self.wait_seconds = wait_seconds
        self._free = asyncio.Semaphore(slots)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """A slot for one upload, or Busy after the bounded wait."""
        try:
            await asyncio.wait_for(self._free.acquire(), timeout=self.wait_seconds)
        except TimeoutError:
            raise Busy(self.slots, self.wait_seconds) from None
        try:
            yield
        finally:
            self._free.release()


def gate_of(app: Litestar, hub: Hub) -> UploadGate:
    """The app's upload gate (workbooks and national exports share it), made at its first
    upload (inside the app's event loop)."""
    gate: UploadGate | None = getattr(app.state, "upload_gate", None)
    if gate is None:
        limits = hub.rules.upload
        gate = UploadGate(limits.max_concurrent_uploads, limits.upload_wait_seconds)
        app.state.upload_gate = gate
    return gate
