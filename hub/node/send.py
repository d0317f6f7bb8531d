"""Sending a report to the network: the node's latest version of it, sealed into an envelope
(hub/federation/envelope.py) with the next sequence number, stored in the outbox as `queued` —
all in one transaction, so a number is never given to two envelopes and an envelope never
exists without its number. Delivery is another step (hub/node/deliver.py).

The envelope names the rule set the node's reference data gives now (`hub node sync`); the
hub refuses it when that is not the network's current one.
"""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.federation import keys
from hub.federation.envelope import Envelope, seal, software_version
from hub.federation.ruleset import current_rule_set
from hub.node.folder import NodeError
from hub.node.outbox import NewEnvelope, OutboxEnvelope, next_sequence, store
from hub.node.report import latest_version
from hub.node.sync import latest_reference
from hub.reporting.model import Dataset
from hub.reporting.period import PeriodError, parse_period
from hub.services import Hub


async def send(
    hub: Hub,
    entity: str,
    period: str,
    dataset: Dataset,
    private_key: Ed25519PrivateKey,
    now: dt.datetime,
) -> OutboxEnvelope:
    """Refuses (NodeError) when the reference data was never fetched or there is no version."""
    try:
        shown = str(parse_period(period))
    except PeriodError as problem:
        raise NodeError(f"period: {problem}") from None
    if entity not in hub.registry.entities:
        raise NodeError(f"{entity} is not an entity of the network's reference data")
    async with hub.db.transaction() as connection:
        if await latest_reference(connection) is None:
            raise NodeError(
                "the node has never fetched the network's reference data: run `hub node sync`, "
                "then send again"
            )
        latest = await latest_version(connection, entity, shown, dataset)
        if latest is None:
            raise NodeError(
                f"{entity} has no {dataset.value} report for {shown} on this node: save or "
                "import it first"
            )
        rule_set = await current_rule_set(hub, connection)
        sequence = await next_sequence(connection)
        sealed = seal(
            Envelope(
                entity=entity,
                sequence=sequence,
                report=latest.report,
                source_sha256=latest.source_sha256,
                software_version=software_version(),
                rule_set_version=rule_set,
                created_at=now,
                key_fingerprint=keys.fingerprint(private_key.public_key()),
            ),
            private_key,
        )
        return await store(
            connection,
            NewEnvelope(
                sequence=sequence,
                hash=sealed.hash,
                entity=entity,
                period=shown,
                dataset=dataset.value,
                submission_id=latest.submission_id,
                version=latest.version,
                rule_set_version=rule_set,
                signed=sealed.data,
            ),
        )
