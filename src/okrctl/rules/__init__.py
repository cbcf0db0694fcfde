"""Rules, one module per family; importing a module registers its rules."""

from __future__ import annotations

_LOADED = False


def load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    from okrctl.rules import (  # noqa: F401
        alignment,
        bsc,
        data,
        loading,
        metrics,
        weights,
    )

    _LOADED = True
