"""What the oversight endpoints share: their Api and the roles they admit."""

from __future__ import annotations

from kernel.auth import Role
from kernel.http import Api

api = Api("oversight")

STAFF: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
TRIAGE: tuple[Role, ...] = ("worker", "district_admin")
DISTRICT: tuple[Role, ...] = ("district_admin",)
UNIT: tuple[Role, ...] = ("unit_staff",)
EVERYONE: tuple[Role, ...] = (*STAFF, "unit_staff", "evaluator", "resident")
