"""Unique ids for tests: every test builds its own process ids and job types, so tests sharing one
engine database never see each other's work."""

from __future__ import annotations

from uuid import uuid4


def unique_id(prefix: str) -> str:
    """``prefix`` plus a short random suffix, e.g. ``order-3f2a9c1b``."""
    return f"{prefix}-{uuid4().hex[:8]}"
