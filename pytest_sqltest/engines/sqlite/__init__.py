"""``--sql-backend=sqlite``: SQLite in-process through a DB-API module."""
