"""``--sql-backend=bridge``: any language's SDK behind a JSON-lines process.

:mod:`.backend` and :mod:`.protocol` are the runner's side; :mod:`.server`
is the reference bridge written in Python (``python -m pytest_sqltest
bridge``).
"""
