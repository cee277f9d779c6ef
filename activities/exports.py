"""The rows of the console's exports of activities: service records, attendances and deeds of
a period the caller may read (the domain's scope), in id order, a chunk at a time (keyset)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from activities.models import Attendance, Deed, ServiceRecord
from activities.scope import readable_attendances, readable_deeds, readable_service_records
from kernel import localtime
from kernel.auth import Principal
from kernel.tabular import chunks


def service_records(who: Principal, start: date, to: date) -> AsyncIterator[list[ServiceRecord]]:
    """The service records served on the local days `start`..`to`."""
    found = readable_service_records(who).rows()
    return chunks(found.filter(served_on__gte=start, served_on__lte=to))


def attendances(who: Principal, start: date, to: date) -> AsyncIterator[list[Attendance]]:
    """The attendances checked in on the local days `start`..`to`."""
    begin, end = localtime.day_bounds(start, to)
    found = readable_attendances(who).rows()
    return chunks(found.filter(checked_in_at__gte=begin, checked_in_at__lt=end))


def deeds(who: Principal, start: date, to: date) -> AsyncIterator[list[Deed]]:
    """The deeds that happened on the local days `start`..`to`."""
    found = readable_deeds(who).rows()
    return chunks(found.filter(occurred_on__gte=start, occurred_on__lte=to))
