"""The network registry: entities, contribution rules and KPI definitions from config."""
