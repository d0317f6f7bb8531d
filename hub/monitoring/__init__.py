"""The monitoring report: contributions, investment programmes, loans and break-even together."""
