"""Serving the hub: one server per installation's data, its socket, its worker processes."""
