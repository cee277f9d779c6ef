"""Attacks that need concurrent transactions run on PostgreSQL: SQLite serialises every
request on its one connection, so nothing there runs in parallel."""

from __future__ import annotations

import pytest

from tests.conftest import BACKEND
from tests.credits.conftest import bank  # noqa: F401  (the moral bank fixture, shared)

on_postgres = pytest.mark.skipif(
    BACKEND != "postgres", reason="needs concurrent transactions (PostgreSQL)"
)
