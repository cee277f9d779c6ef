"""HTTP endpoints of the accountability domain, one module per concern like its services: thin
adapters that parse, call the service and return what the response schema shapes. They share
one `Api`; no two modules' paths overlap, so their import order does not matter."""

from __future__ import annotations

from oversight.routes import inspections, lists, public, rectification, reports, units
from oversight.routes._shared import api

__all__ = ["api", "inspections", "lists", "public", "rectification", "reports", "units"]
