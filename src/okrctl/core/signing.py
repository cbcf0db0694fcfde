"""The per-machine key that signs okrctl's caches, and signatures made with it.

okrctl caches things it later loads as code or objects (pickled goal records, compiled
schema validators). Anyone who can put a file where such a cache lives could otherwise run
code as the next user of okrctl, so every entry is signed with a random key kept outside
any repository (``$XDG_CACHE_HOME/okrctl/cache.key``, mode 0600), and an entry whose
signature does not match is ignored, never loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

SIGNATURE_BYTES = 32


def cache_home() -> Path:
    """``$XDG_CACHE_HOME/okrctl``, else ``~/.cache/okrctl``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "okrctl"


def machine_key() -> bytes | None:
    """The machine's cache-signing key, created on first use; None if it cannot be kept."""
    path = cache_home() / "cache.key"
    try:
        return path.read_bytes()
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        key = os.urandom(32)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except FileExistsError:
        try:
            return path.read_bytes()
        except OSError:
            return None
    except OSError:
        return None


def sign(key: bytes, payload: bytes, context: bytes = b"") -> bytes:
    """A keyed BLAKE2b MAC of ``payload``, ``SIGNATURE_BYTES`` long. A ``context`` (such
    as the entry's name) is signed with it, so an entry cannot be moved to another name."""
    data = context + b"\0" + payload if context else payload
    return hashlib.blake2b(data, key=key[:64], digest_size=SIGNATURE_BYTES).digest()


def signed(key: bytes, payload: bytes, context: bytes = b"") -> bytes:
    """What to store: the signature, then the payload."""
    return sign(key, payload, context) + payload


def verified(key: bytes, blob: bytes, context: bytes = b"") -> bytes | None:
    """The payload of ``blob`` if it was ``signed`` with ``key`` for ``context``, else
    None (unsigned, signed elsewhere, for another entry, or cut short)."""
    signature, payload = blob[:SIGNATURE_BYTES], blob[SIGNATURE_BYTES:]
    if len(signature) != SIGNATURE_BYTES:
        return None
    if not hmac.compare_digest(signature, sign(key, payload, context)):
        return None
    return payload
