"""``--sql-backend=turso``: the Turso engine through pyturso, in a child process."""
