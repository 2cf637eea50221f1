"""The pytest plugin: the only layer that imports pytest.

:mod:`.hooks` is the ``pytest11`` entry point and holds every hook and
option; the other modules do the work each hook delegates.
"""
