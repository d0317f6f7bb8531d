"""The words of the one rule of who reports an entity (network.toml, `reporting`): the hub's
refusal of a person's change to a node's entity, and of a node's envelope for an entity
reported centrally. Pure: the reporting service and the acceptance rules both say them."""

from __future__ import annotations


def reported_by_node(entity: str) -> str:
    return (
        f"{entity} reports through its node: send the report from the node; finance can still "
        "approve, return and lock here"
    )


def reported_centrally(entity: str) -> str:
    return (
        f"{entity} is reported centrally on the hub, not by a node: ask the hub's admin to "
        "switch it in network.toml"
    )
