"""Consolidation: national trial balances to group statements (map, translate, eliminate)."""
