"""A national node: the hub's own code for one entity, with its own database, that delivers the
entity's reports to the network hub as signed envelopes (docs/federation.md, *The node*).

The flow, module by module: `folder` (node.toml, the key, the config folder) -> `create`
(`hub node init`) -> `hub_client` (requests to the hub) -> `sync` + `reproduce` (the network's
reference data) -> `report` + `send` (an envelope into the `outbox`) -> `deliver` + `backoff`
(to the hub) -> `status` (finance's decisions back); `graphql`, `serve` and `cli` face people.
"""
