"""Running a case: skip policy, time limits, execution, outcomes, failure text.

Pytest-free: the plugin layer calls these functions and turns the
exceptions of :mod:`.outcomes` into pytest outcomes.
"""
