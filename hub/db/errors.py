"""Errors of the storage layer that stop a command with one clear line."""


class DatabaseUnavailable(Exception):
    """PostgreSQL cannot be reached or started."""


class MigrationError(Exception):
    """The migrations on disk and the ones recorded in the database disagree."""
