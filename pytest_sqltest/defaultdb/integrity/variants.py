"""The twelve fixture names and which ``@database`` paths name them."""

from __future__ import annotations

from typing import Final

#: The variants, in the order of the spec's list (§5.8); each is the file
#: ``database/integrity_<variant>.db``.
INTEGRITY_VARIANTS: Final[tuple[str, ...]] = (
    "missing_index_entry",
    "missing_expression_index_entry",
    "missing_partial_index_entry",
    "missing_unique_index_entry",
    "check_constraint_violation",
    "check_constraint_violation_quick",
    "not_null_violation",
    "non_unique_index_entry",
    "freelist_count_mismatch",
    "freelist_trunk_corrupt",
    "overflow_list_length_mismatch",
    "gencol_not_null_violation",
)

_PREFIX: Final = "integrity_"
_SUFFIX: Final = ".db"


def integrity_variant(declared_path: str) -> str | None:
    """The variant a path written after ``@database`` names, or ``None``.

    The reference compares the declared path with each
    ``database/integrity_<variant>.db`` component by component, as Rust's
    ``Path`` does (spec §5.8): empty components (``database//x.db``, a
    trailing ``/``) and ``.`` components vanish, except a ``.`` at the very
    start, which is a component of its own; ``..`` is never resolved; ``/``
    is the only separator. So ``database/./x.db`` matches, while
    ``./database/x.db``, ``/database/x.db`` and ``database/../database/x.db``
    do not. Names are case-sensitive.
    """
    if declared_path.startswith("/") or declared_path.split("/", 1)[0] == ".":
        return None
    parts = [part for part in declared_path.split("/") if part not in ("", ".")]
    if len(parts) != 2 or parts[0] != "database":
        return None
    name = parts[1]
    if not (name.startswith(_PREFIX) and name.endswith(_SUFFIX)):
        return None
    variant = name[len(_PREFIX) : -len(_SUFFIX)]
    return variant if variant in INTEGRITY_VARIANTS else None
