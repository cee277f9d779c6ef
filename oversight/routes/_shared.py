"""What the oversight endpoints share: their Api and the roles they admit."""

from __future__ import annotations

from kernel.auth import STAFF_ROLES as STAFF
from kernel.auth import Role
from kernel.http import Api

api = Api("oversight")

TRIAGE: tuple[Role, ...] = ("worker", "district_admin")
DISTRICT: tuple[Role, ...] = ("district_admin",)
UNIT: tuple[Role, ...] = ("unit_staff",)
EVERYONE: tuple[Role, ...] = (*STAFF, "unit_staff", "evaluator", "resident")
