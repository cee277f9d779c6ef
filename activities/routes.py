"""HTTP endpoints of the activities domain."""

from __future__ import annotations

from app.core.http import Api

api = Api("activities")
