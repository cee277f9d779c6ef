"""What a campaign counts and how far it has come: the rows it counts (`Counted`), the rollup
of its participants and days (the `campaigns-rollup` job), the quiz completions the quiz
records toward it (`count_quiz_completion`), and the reads of the rolled-up figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from accounts.models import Resident
from accounts.scope import served_communities
from campaigns.models import (
    Campaign,
    CampaignParticipant,
    CampaignQuizCompletion,
    CampaignTag,
)
from campaigns.queries import (
    COMMUNITY_FIGURES,
    DAYS,
    FORGET_DAYS,
    NEW_PARTICIPANTS,
    OWN_PART,
)
from campaigns.schemas import CommunityProgress, Figures, Targets
from campaigns.scope import campaign_days
from credits.service import record_campaign_participation
from kernel import localtime
from kernel.auth import Principal
from kernel.scope import ALWAYS, Condition, eq, one_of, within
from kernel.sql import db_date, db_time, execute, query_rows

TENTH = Decimal("0.1")


def _in_district(campaign: Campaign) -> Condition:
    return ALWAYS if campaign.district_id is None else eq("district_id", campaign.district_id)


@dataclass(frozen=True)
class Counted:
    """The rows a campaign counts, as conditions on the service records, deeds and quiz
    completions (its district's; of its actions or tagged to it), for the `{slot}`s of
    `campaigns.queries.CONTRIBUTIONS`."""

    records: Condition
    deeds: Condition
    quizzes: Condition

    @classmethod
    def of(cls, campaign: Campaign, resident_id: str | None = None) -> Counted:
        whose = ALWAYS if resident_id is None else eq("resident_id", resident_id)
        tags = eq("campaign_id", campaign.id)
        place = _in_district(campaign) & whose
        return cls(
            records=place
            & (
                one_of("action", campaign.activity_kinds)
                | within("activity_id", CampaignTag, "activity_id", tags)
            ),
            deeds=place
            & (one_of("action", campaign.actions) | within("id", CampaignTag, "deed_id", tags)),
            quizzes=eq("campaign_id", campaign.id) & whose,
        )

    def slots(self) -> dict[str, Any]:
        return {
            "records": self.records.sql("s"),
            "deeds": self.deeds.sql("d"),
            "quizzes": self.quizzes.sql("q"),
        }


def status_of(campaign: Campaign, today: date) -> str:
    if today < campaign.starts_on:
        return "upcoming"
    return "running" if today <= campaign.ends_on else "ended"


def _counted_days(campaign: Campaign, today: date) -> dict[str, Any]:
    return {
        "first": db_date(campaign.starts_on),
        "last": db_date(min(campaign.ends_on, today)),
    }


# --- the rollup ------------------------------------------------------------------------------


async def roll_up(campaign: Campaign, *, today: date, actor: str) -> dict[str, int]:
    """Writes the campaign's new participants (and posts each one's count and bonus once) and
    its communities' days afresh, from its first day to today (or its last)."""
    counted = Counted.of(campaign)
    params = {
        **_counted_days(campaign, today),
        "campaign": campaign.id,
        "now": db_time(datetime.now(UTC)),
    }
    joined = await execute(NEW_PARTICIPANTS, params, **counted.slots())
    posted = 0
    for participant in await CampaignParticipant.filter(
        campaign_id=campaign.id, posted_at__isnull=True
    ).order_by("id"):
        await record_campaign_participation(
            district_id=participant.district_id,
            resident_id=participant.resident_id,
            campaign_id=campaign.id,
            bonus=campaign.bonus,
            occurred_at=localtime.day_bounds(participant.first_day)[0],
            actor=actor,
            memo=f"参与主题活动 · {campaign.title}",
        )
        await CampaignParticipant.filter(id=participant.id).update(posted_at=datetime.now(UTC))
        posted += 1
    await execute(FORGET_DAYS, {"campaign": campaign.id})
    days = await execute(DAYS, {k: v for k, v in params.items() if k != "now"}, **counted.slots())
    return {"participants": joined, "posted": posted, "days": days}


# --- quizzes ---------------------------------------------------------------------------------


async def count_quiz_completion(
    *, campaign_id: str, resident_id: str, attempt_id: str, completed_at: datetime
) -> bool:
    """Counts a completed quiz attempt toward a campaign, once per attempt (the quiz calls it in
    its transaction; the next rollup counts it). False when the campaign does not take it: not
    a campaign of the resident's district or the city's, or the day outside its period."""
    resident = await Resident.get_or_none(id=resident_id)
    if resident is None or resident.district_id is None or resident.community_id is None:
        return False
    campaign = await Campaign.get_or_none(id=campaign_id)
    day = localtime.local_date(completed_at)
    if (
        campaign is None
        or campaign.district_id not in (None, resident.district_id)
        or not campaign.starts_on <= day <= campaign.ends_on
    ):
        return False
    if await CampaignQuizCompletion.exists(attempt_id=attempt_id):
        return True
    await CampaignQuizCompletion.create(
        campaign_id=campaign.id,
        district_id=resident.district_id,
        community_id=resident.community_id,
        resident_id=resident.id,
        attempt_id=attempt_id,
        completed_at=completed_at,
        completed_on=day,
    )
    return True


# --- reading the progress ----------------------------------------------------------------------


@dataclass(frozen=True)
class OwnPart:
    joined: bool
    first_day: date | None
    days: int
    hours: Decimal
    deeds: int
    quiz_completions: int


async def own_part(campaign: Campaign, resident_id: str) -> OwnPart:
    """A resident's part in a campaign: counted from their own rows (a few), whether the rollup
    has made them a participant yet."""
    row = (
        await query_rows(
            OWN_PART,
            _counted_days(campaign, localtime.today()),
            **Counted.of(campaign, resident_id).slots(),
        )
    )[0]
    participant = await CampaignParticipant.get_or_none(
        campaign_id=campaign.id, resident_id=resident_id
    )
    return OwnPart(
        joined=participant is not None,
        first_day=participant.first_day if participant else None,
        days=int(row["days"] or 0),
        hours=Decimal(int(row["tenths"] or 0)) * TENTH,
        deeds=int(row["deeds"] or 0),
        quiz_completions=int(row["quizzes"] or 0),
    )


def _figures(row: dict[str, Any], prefix: str, participants: int) -> Figures:
    return Figures(
        participants=participants,
        hours=Decimal(int(row[f"{prefix}tenths"] or 0)) * TENTH,
        deeds=int(row[f"{prefix}deeds"] or 0),
        quiz_completions=int(row[f"{prefix}quizzes"] or 0),
    )


@dataclass(frozen=True)
class Progress:
    day: date
    total: CommunityProgress
    communities: list[CommunityProgress]


async def community_progress(campaign: Campaign, *, who: Principal) -> Progress:
    """The campaign's communities the caller serves (a resident: their district's), today and
    over the period, from the rollup; ranked by participants, then hours."""
    today = localtime.today()
    communities = served_communities(who) if who.kind != "resident" else None
    where = (
        communities.where if communities is not None else eq("district_id", who.district_id or "")
    )
    if campaign.district_id is not None:
        where &= eq("district_id", campaign.district_id)
    rows = await query_rows(
        COMMUNITY_FIGURES,
        {"campaign": campaign.id, "today": db_date(today)},
        communities=where.sql("m"),
        days=campaign_days(who).sql("g"),
        participants=campaign_days(who).sql("p"),
    )
    targets = Targets.model_validate(campaign.community_targets or {})
    lines = [
        CommunityProgress(
            community=row["code"],
            name=row["name"],
            today=_figures(row, "today_", int(row["today_participants"] or 0)),
            period=_figures(row, "", int(row["participants"] or 0)),
            targets=targets,
            rank=0,
            own=who.kind == "resident" and row["community_id"] in who.community_ids,
        )
        for row in rows
    ]
    lines.sort(key=lambda line: (-line.period.participants, -line.period.hours, line.community))
    for rank, line in enumerate(lines, start=1):
        line.rank = rank
    total = CommunityProgress(
        community="",
        name=campaign.title,
        today=_sum(line.today for line in lines),
        period=_sum(line.period for line in lines),
        targets=Targets.model_validate(campaign.total_targets or {}),
        rank=0,
    )
    return Progress(today, total, lines)


def _sum(figures: Any) -> Figures:
    found = Figures()
    for one in figures:
        found.participants += one.participants
        found.hours += one.hours
        found.deeds += one.deeds
        found.quiz_completions += one.quiz_completions
    return found
