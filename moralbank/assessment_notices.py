"""What a household's members are told of its assessment: published (and until when they may
object), an objection decided, the result standing. Each notice is queued through the outbox
in the event's own transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from accounts.models import Resident
from kernel import localtime
from kernel.i18n import N_, translate
from kernel.outbox import queue_notification, register_notice
from moralbank.assessment_errors import OBJECTION_DECISION_NAMES
from moralbank.assessment_models import Assessment

register_notice(
    "assessment_published",
    N_(
        "Your household's moral assessment of {period} is published: {score} points. You may "
        "object until {deadline}."
    ),
)
register_notice(
    "assessment_objection_decided",
    N_("The objection to your household's moral assessment of {period}: {decision}. {reason}"),
)
register_notice(
    "assessment_standing",
    N_(
        "Your household's moral assessment of {period} stands: {score} points, {credits} "
        "credits to the household."
    ),
)


def _plain(value: Decimal | None) -> str:
    return format((value or Decimal(0)).normalize(), "f")


def _local(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(localtime.zone()).strftime("%Y-%m-%d %H:%M")


async def _tell_members(assessment: Assessment, topic: str, payload: dict[str, Any]) -> None:
    members = await Resident.filter(household_id=assessment.household_id).values_list(
        "id", flat=True
    )
    for member in members:
        await queue_notification(
            "resident",
            str(member),
            topic,
            {
                "assessment_id": assessment.id,
                "period": localtime.period_name(assessment.period),
                **payload,
            },
        )


async def published(assessment: Assessment) -> None:
    await _tell_members(
        assessment,
        "assessment_published",
        {"score": _plain(assessment.score), "deadline": _local(assessment.objection_deadline)},
    )


async def objection_decided(assessment: Assessment, decision: str, reason: str) -> None:
    await _tell_members(
        assessment,
        "assessment_objection_decided",
        {"decision": translate(OBJECTION_DECISION_NAMES[decision]), "reason": reason},
    )


async def standing(assessment: Assessment, credits: Decimal) -> None:
    await _tell_members(
        assessment,
        "assessment_standing",
        {"score": _plain(assessment.score), "credits": _plain(credits)},
    )
