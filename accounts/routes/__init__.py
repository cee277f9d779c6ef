"""HTTP endpoints of auth and accounts, one module per concern like the services: thin
adapters that parse, call the service and return what the response schema shapes."""

from __future__ import annotations

from accounts.routes import auth, districts, residents, staff
from kernel.http import Api

APIS: list[Api] = [auth.api, residents.api, districts.api, staff.api]
