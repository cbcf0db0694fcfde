"""Files shipped with okrctl (templates/), found in an installed wheel or a checkout."""

from __future__ import annotations

from pathlib import Path


def resource_dir(name: str) -> Path:
    """``templates`` -> the packaged copy (okrctl/_templates) or the checkout's folder."""
    packaged = Path(__file__).parents[1] / f"_{name}"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / name
