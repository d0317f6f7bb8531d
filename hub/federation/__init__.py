"""Federation: national nodes deliver signed reports (envelopes) to the network hub.

This package holds the pure core (docs/federation.md): canonical JSON, keys, envelopes, the
acceptance rules and the rule-set version.
"""
