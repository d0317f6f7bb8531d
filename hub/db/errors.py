"""Errors of the storage layer that stop a command with one clear line."""


class DatabaseUnavailable(Exception):
    """PostgreSQL cannot be reached or started.

    The message is for the operator (it names the server); `reason` is the short cause a client
    of the API may be told."""

    def __init__(self, message: str, reason: str = "the database cannot be reached") -> None:
        super().__init__(message)
        self.reason = reason


class MigrationError(Exception):
    """The migrations on disk and the ones recorded in the database disagree."""
