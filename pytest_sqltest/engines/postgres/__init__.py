"""``--sql-backend=postgres``: a PostgreSQL server, a fresh database per case."""
