"""A district's oversight rules, versioned: a change adds a version from a date on."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from app.core.auth import Principal
from app.core.errors import invalid_from
from app.core.settings import get_settings
from oversight.errors import UnknownPeriod
from oversight.models import OversightRulesVersion
from oversight.schemas import OversightRules, OversightRulesPatch


async def rules_version_at(
    district_id: str, at: datetime | None = None
) -> tuple[str | None, OversightRules]:
    """The id of the version in force at `at` (None: the defaults) and its rules."""
    version = (
        await OversightRulesVersion.filter(
            district_id=district_id, effective_from__lte=at or datetime.now(UTC)
        )
        .order_by("-effective_from", "-created_at")
        .first()
    )
    if version is None:
        return None, OversightRules()
    return version.id, OversightRules.model_validate(version.rules)


async def rules_at(district_id: str, at: datetime | None = None) -> OversightRules:
    return (await rules_version_at(district_id, at))[1]


async def change_rules(
    district_id: str, patch: OversightRulesPatch, *, by: Principal
) -> OversightRules:
    effective_from = patch.effective_from or datetime.now(UTC)
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


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of a quarter like `2026Q3`, in local time, as UTC."""
    zone = ZoneInfo(get_settings().local_timezone)
    year, quarter = int(period[:4]), int(period[5])
    start = datetime(year, 3 * quarter - 2, 1, tzinfo=zone)
    end = datetime(year + quarter // 4, 3 * (quarter % 4) + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def next_period(period: str) -> str:
    year, quarter = int(period[:4]), int(period[5])
    return f"{year + 1}Q1" if quarter == 4 else f"{year}Q{quarter + 1}"


def period_of(moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo(get_settings().local_timezone))
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def previous_period(moment: datetime) -> str:
    year, quarter = int(period_of(moment)[:4]), int(period_of(moment)[5])
    return f"{year - 1}Q4" if quarter == 1 else f"{year}Q{quarter - 1}"


def ensure_ended(period: str) -> tuple[datetime, datetime]:
    start, end = period_bounds(period)
    if end > datetime.now(UTC):
        raise UnknownPeriod(
            f"{period} has not ended yet.",
            errors=[{"field": "period", "message": "the period has not ended"}],
        )
    return start, end
