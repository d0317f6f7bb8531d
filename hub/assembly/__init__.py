"""The top of the house: the GraphQL schema and the web app, assembled from every capability."""
