"""Bounded GraphQL requests: size, shape and time limits checked before (and while) a request
runs, from `config/limits.toml`."""
