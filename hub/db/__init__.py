"""PostgreSQL: the connection pool, the embedded server and the migrations."""
