"""HTTP endpoints of the credits domain."""

from __future__ import annotations

from app.core.http import Api

api = Api("credits")
