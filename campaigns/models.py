"""Tables of campaigns: the campaign and its tags, its participants and rolled-up days, the
quiz completions counted toward it, and events with venues, zones and check-ins."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id


class Campaign(Model):
    """A theme campaign of a district (or of the whole city: no district) for a period."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26, null=True, db_index=True)
    title = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    # The deeds' actions and the activities' actions it counts besides what is tagged to it.
    actions: Any = fields.JSONField(default=list)
    activity_kinds: Any = fields.JSONField(default=list)
    # Targets: {"participants", "hours", "deeds", "quiz_completions"}, in total and per community.
    total_targets: Any = fields.JSONField(default=dict)
    community_targets: Any = fields.JSONField(default=dict)
    # A participant earns the district's `campaign_bonus` (its rules) once.
    bonus = fields.BooleanField(default=False)
    badge_id = fields.CharField(max_length=26, null=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "campaign"


class CampaignTag(Model):
    """An activity or a deed tagged to a campaign (of its district and period)."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    campaign_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26)
    activity_id = fields.CharField(max_length=26, null=True)
    deed_id = fields.CharField(max_length=26, null=True)
    tagged_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "campaign_tag"
        unique_together = (("campaign_id", "activity_id"), ("campaign_id", "deed_id"))


class CampaignParticipant(Model):
    """A resident who took part in a campaign, from their first counted day (the rollup
    writes it once; the bonus is posted for it once)."""

    id = fields.BigIntField(primary_key=True)
    campaign_id = fields.CharField(max_length=26)
    district_id = fields.CharField(max_length=26, db_index=True)
    community_id = fields.CharField(max_length=26)
    resident_id = fields.CharField(max_length=26, db_index=True)
    first_day = fields.DateField()
    # When its count and bonus went through the ledger (None: the next rollup posts them).
    posted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "campaign_participant"
        unique_together = (("campaign_id", "resident_id"),)


class CampaignDay(Model):
    """A community's progress in a campaign on one local day, as the rollup counted it."""

    id = fields.BigIntField(primary_key=True)
    campaign_id = fields.CharField(max_length=26)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26)
    day = fields.DateField()
    participants = fields.IntField(default=0)
    new_participants = fields.IntField(default=0)
    tenths = fields.BigIntField(default=0)
    deeds = fields.IntField(default=0)
    quiz_completions = fields.IntField(default=0)

    class Meta:
        table = "campaign_day"
        unique_together = (("campaign_id", "community_id", "day"),)


class CampaignQuizCompletion(Model):
    """A completed quiz counted toward a campaign (the quiz records it, once per attempt)."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    campaign_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    community_id = fields.CharField(max_length=26)
    resident_id = fields.CharField(max_length=26)
    attempt_id = fields.CharField(max_length=26, unique=True)
    completed_at = fields.DatetimeField()
    completed_on = fields.DateField()

    class Meta:
        table = "campaign_quiz_completion"


class CampaignEvent(Model):
    """An event of a campaign (文明观赛): venues, zones, a check-in per resident."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    campaign_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26, db_index=True)
    # A city-wide campaign's event takes residents of every district; else its district's.
    city_wide = fields.BooleanField(default=False)
    title = fields.CharField(max_length=100)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "campaign_event"


class EventZone(Model):
    """A zone of a venue of an event: where a gate shows its rotating code."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    event_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    venue = fields.CharField(max_length=100)
    name = fields.CharField(max_length=100)

    class Meta:
        table = "campaign_event_zone"


class EventCheckin(Model):
    """A resident's check-in at an event, by the zone whose code they scanned: once each."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    event_id = fields.CharField(max_length=26)
    zone_id = fields.CharField(max_length=26, db_index=True)
    district_id = fields.CharField(max_length=26)
    resident_id = fields.CharField(max_length=26, db_index=True)
    checked_in_at = fields.DatetimeField()

    class Meta:
        table = "campaign_event_checkin"
        unique_together = (("event_id", "resident_id"),)


__models__ = [
    Campaign,
    CampaignTag,
    CampaignParticipant,
    CampaignDay,
    CampaignQuizCompletion,
    CampaignEvent,
    EventZone,
    EventCheckin,
]
