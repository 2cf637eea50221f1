"""An example pytest-sqltest backend: SQLite, rendered like the reference engine."""
