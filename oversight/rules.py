"""A district's oversight rules, versioned: a change adds a version from a date on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from accounts import versions
from accounts.versions import Versions
from kernel import localtime
from kernel.auth import Principal
from kernel.errors import invalid_from
from kernel.i18n import N_, Named, _
from oversight.errors import UnknownPeriod
from oversight.models import OversightRulesVersion
from oversight.schemas import OversightRules, OversightRulesPatch

# Which version is in force, and when a change may start, as for the earning rules.
OVERSIGHT_RULES = Versions(OversightRulesVersion)


async def rules_version_at(
    district_id: str, at: datetime | None = None
) -> tuple[str | None, OversightRules]:
    """The id of the version in force at `at` (None: the defaults) and its rules."""
    version = await OVERSIGHT_RULES.version_at(district_id, at or datetime.now(UTC))
    if version is None:
        return None, OversightRules()
    return version.id, OversightRules.model_validate(version.rules)


async def rules_at(district_id: str, at: datetime | None = None) -> OversightRules:
    return (await rules_version_at(district_id, at))[1]


async def change_rules(
    district_id: str, patch: OversightRulesPatch, *, by: Principal
) -> OversightRules:
    effective_from = versions.effective_from(
        patch.effective_from,
        now=datetime.now(UTC),
        detail=N_(
            "`effective_from` is in the past; a change would alter scores and lists "
            "already computed. Date it now or later."
        ),
    )
    current = await rules_at(district_id, effective_from)
    changes = patch.model_dump(exclude_unset=True, exclude={"effective_from"})
    try:
        merged = OversightRules.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        raise invalid_from(exc) from exc
    if merged == current:  # a patch that changes nothing writes no version
        return merged
    await OversightRulesVersion.create(
        district_id=district_id,
        effective_from=effective_from,
        rules=merged.model_dump(mode="json"),
        created_by=by.subject,
    )
    return merged


# --- periods -------------------------------------------------------------------------------
# A district lists its units per month (`2026M07`), quarter (`2026Q3`), half-year (`2026H2`)
# or year (`2026Y`): `list_period` of its rules, versioned with them. Periods are in local time.

MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
LETTERS = {"M": "month", "Q": "quarter", "H": "half_year", "Y": "year"}


def _parse(period: str) -> tuple[str, int, int]:
    """`2026Q3` → (quarter, 2026, 3); a year's index is 1."""
    kind = LETTERS[period[4]]
    return kind, int(period[:4]), int(period[5:] or 1)


def _name(kind: str, year: int, index: int) -> str:
    letter = next(k for k, v in LETTERS.items() if v == kind)
    if kind == "year":
        return f"{year}Y"
    return f"{year}{letter}{index:02d}" if kind == "month" else f"{year}{letter}{index}"


def period_kind(period: str) -> str:
    return _parse(period)[0]


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of a period like `2026Q3`, in local time, as UTC."""
    zone = localtime.zone()
    kind, year, index = _parse(period)
    first = (index - 1) * MONTHS[kind] + 1
    after = first + MONTHS[kind]
    start = datetime(year, first, 1, tzinfo=zone)
    end = datetime(year + (after - 1) // 12, (after - 1) % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def next_period(period: str) -> str:
    kind, year, index = _parse(period)
    if index == 12 // MONTHS[kind]:
        return _name(kind, year + 1, 1)
    return _name(kind, year, index + 1)


def period_of(moment: datetime, kind: str = "quarter") -> str:
    local = moment.astimezone(localtime.zone())
    return _name(kind, local.year, (local.month - 1) // MONTHS[kind] + 1)


def previous_period(moment: datetime, kind: str = "quarter") -> str:
    kind, year, index = _parse(period_of(moment, kind))
    if index == 1:
        return _name(kind, year - 1, 12 // MONTHS[kind])
    return _name(kind, year, index - 1)


def ensure_ended(period: str) -> tuple[datetime, datetime]:
    start, end = period_bounds(period)
    if end > datetime.now(UTC):
        raise UnknownPeriod(
            N_("{period} has not ended yet."),
            period=localtime.PeriodName(period),
            errors=[{"field": "period", "message": _("the period has not ended")}],
        )
    return start, end


async def ensure_district_period(district_id: str, period: str) -> None:
    """A district's lists are by the period its rules name (those in force when it ends)."""
    _start, end = ensure_ended(period)
    kind = (await rules_at(district_id, end - timedelta(microseconds=1))).list_period
    if period_kind(period) != kind:
        raise UnknownPeriod(
            N_("The district's lists are by {kind}; {period} is not one of its periods."),
            kind=Named(kind, PERIOD_NAMES),
            period=localtime.PeriodName(period),
            errors=[{"field": "period", "message": N_("not a period of this district")}],
        )


PERIOD_NAMES = {
    "month": N_("month"),
    "quarter": N_("quarter"),
    "half_year": N_("half-year"),
    "year": N_("year"),
}
