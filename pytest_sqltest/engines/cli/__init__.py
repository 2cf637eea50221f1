"""``--sql-backend=cli``: a ``sqlite3`` or ``tursodb`` shell binary."""
