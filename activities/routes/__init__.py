"""HTTP endpoints of the activities domain, one module per concern like its services:
thin adapters that parse, call the service and return what the response schema shapes."""

from __future__ import annotations

from activities.routes import (
    activities,
    attendance,
    certificates,
    checkin_link,
    deeds,
    filings,
    records,
)
from kernel.http import Api

APIS: list[Api] = [
    activities.api,
    attendance.api,
    deeds.api,
    filings.api,
    records.api,
    certificates.api,
    checkin_link.api,
]
