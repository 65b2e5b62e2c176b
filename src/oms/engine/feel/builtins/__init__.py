"""FEEL built-in functions; importing this package registers all of them in :data:`BUILTINS`."""

from __future__ import annotations

from oms.engine.feel.builtins import (  # noqa: F401  (importing a module registers its functions)
    boolean,
    context,
    conversion,
    lists,
    numbers,
    strings,
    temporal,
)
from oms.engine.feel.builtins.registry import (
    BUILTINS,
    Builtin,
    builtin,
    multi_word_names,
    resolve,
    resolve_named,
)

__all__ = ["BUILTINS", "Builtin", "builtin", "multi_word_names", "resolve", "resolve_named"]
