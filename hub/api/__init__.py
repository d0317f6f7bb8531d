"""The HTTP face of the hub: app factory, authentication, GraphQL schema and context."""
