"""``--sql-backend=turso``: the Turso engine in-process (pyturso)."""
