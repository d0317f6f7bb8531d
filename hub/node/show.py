"""The node's outbox and deliveries in words, as `hub node status` and `hub node deliver` print
them."""

from __future__ import annotations

import datetime as dt

from hub.node.deliver import Attempt
from hub.node.outbox import OutboxEnvelope


def moment(at: dt.datetime | None) -> str:
    if at is None:
        return "-"
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _times(attempts: int) -> str:
    return f"{attempts} attempt" + ("" if attempts == 1 else "s")


def what(envelope: OutboxEnvelope) -> str:
    return f"{envelope.entity} {envelope.dataset} {envelope.period} version {envelope.version}"


def attempt_line(attempt: Attempt) -> str:
    envelope = attempt.envelope
    head = f"envelope {envelope.sequence} ({what(envelope)})"
    if attempt.status == "accepted":
        return f"{head}: accepted as version {attempt.hub_version} on the hub"
    if attempt.status == "refused":
        return f"{head}: refused: {'; '.join(attempt.reasons)}"
    return (
        f"{head}: still queued after {_times(envelope.attempts + 1)}: {attempt.error}; "
        f"next attempt at {moment(attempt.next_attempt_at)}"
    )


def envelope_lines(envelope: OutboxEnvelope) -> list[str]:
    """One line per envelope, and the reasons or the last error below it."""
    hub = f" -> hub version {envelope.hub_version}" if envelope.hub_version is not None else ""
    head = (
        f"{envelope.sequence:>4}  {envelope.status:<8}  {envelope.dataset} {envelope.period} "
        f"version {envelope.version}{hub}; made {moment(envelope.created_at)}"
    )
    if envelope.status == "queued":
        head += f", {_times(envelope.attempts)}"
        if envelope.attempts:
            head += f", next attempt at {moment(envelope.next_attempt_at)}"
    else:
        head += f", delivered {moment(envelope.delivered_at)} ({_times(envelope.attempts)})"
        if envelope.status not in ("accepted", "refused"):
            head += f", {envelope.status} as of {moment(envelope.status_at)}"
    lines = [head]
    label = {"refused": "reason", "returned": "finance's reason"}.get(envelope.status)
    if label is not None:
        lines += [f"        {label}: {reason}" for reason in envelope.reasons]
    if envelope.status == "queued" and envelope.last_error:
        lines.append(f"        last error: {envelope.last_error}")
    return lines
