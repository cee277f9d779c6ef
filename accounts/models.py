"""Tables of the people and places of the city."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from kernel.ids import new_id


class District(Model):
    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "district"


class DistrictRulesVersion(Model):
    """The rules of a district from `effective_from` on. A change adds a version, none is edited,
    so a record is always judged by the rules in force when it happened."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="rules_versions", on_delete=fields.RESTRICT
    )
    district_id: str
    effective_from = fields.DatetimeField()
    rules: Any = fields.JSONField()
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "district_rules_version"
        indexes = (("district_id", "effective_from"),)


class Community(Model):
    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="communities", on_delete=fields.RESTRICT
    )
    district_id: str
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=100)
    # Where the community is (GCJ-02, as every coordinate stored), to list the nearest first.
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    # Closed to joining (by a district administrator): new residents cannot choose it;
    # residents already in it stay. Null: open.
    joining_closed_at = fields.DatetimeField(null=True)
    joining_closed_by = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "community"
        unique_together = (("district_id", "code"),)


class Staff(Model):
    """A community worker, a district administrator or a platform administrator.

    Usernames are stored in lower case, so `ADMIN` and `admin` are one account. A disabled
    member of staff (`disabled_at` set) can neither log in nor use a token issued before."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    username = fields.CharField(max_length=150, unique=True)
    password_hash = fields.CharField(max_length=200)
    role = fields.CharField(max_length=20)
    display_name = fields.CharField(max_length=100, default="")
    district: fields.ForeignKeyNullableRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="staff", null=True, on_delete=fields.RESTRICT
    )
    district_id: str | None
    disabled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff"


class StaffCommunity(Model):
    """Which communities a worker serves."""

    id = fields.BigIntField(primary_key=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="community_links", on_delete=fields.CASCADE
    )
    staff_id: str
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="staff_links", on_delete=fields.RESTRICT
    )
    community_id: str

    class Meta:
        table = "staff_community"
        unique_together = (("staff_id", "community_id"),)


class Household(Model):
    """A household, for pilots that score households together."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="households", on_delete=fields.RESTRICT
    )
    district_id: str
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="households", on_delete=fields.RESTRICT
    )
    community_id: str
    name = fields.CharField(max_length=100)
    # The member who invites, confirms joiners and hands headship over (none once all left).
    head_id = fields.CharField(max_length=26, null=True)
    # The code a joiner enters (or scans as a QR), valid until `invite_expires_at`.
    invite_code = fields.CharField(max_length=16, null=True, db_index=True)
    invite_expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "household"
        indexes = (("district_id", "community_id"),)


class HouseholdMembership(Model):
    """The time of a resident in a household: asked to join (`requested`), a member from
    `joined_at`, ended at `left_at` (left, removed by a worker, declined or withdrawn). Rows
    are never deleted: they are the household's history."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    district_id = fields.CharField(max_length=26)
    household: fields.ForeignKeyRelation[Household] = fields.ForeignKeyField(
        "models.Household", related_name="memberships", on_delete=fields.RESTRICT
    )
    household_id: str
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "models.Resident", related_name="household_memberships", on_delete=fields.RESTRICT
    )
    resident_id: str
    status = fields.CharField(max_length=16)  # requested, member, ended
    requested_at = fields.DatetimeField(null=True)
    joined_at = fields.DatetimeField(null=True)
    started_by = fields.CharField(max_length=64)
    start_note = fields.CharField(max_length=500, default="")
    left_at = fields.DatetimeField(null=True)
    # left, removed, declined, withdrawn, moved
    end_kind = fields.CharField(max_length=16, null=True)
    ended_by = fields.CharField(max_length=64, null=True)
    end_note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "household_membership"
        indexes = (("household_id", "status"), ("resident_id", "status"))


class Resident(Model):
    """A resident known by their WeChat openid. Personal data is encrypted at rest."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    openid = fields.CharField(max_length=128, unique=True)
    unionid = fields.CharField(max_length=128, null=True, db_index=True)
    nickname = fields.CharField(max_length=64, default="")
    district: fields.ForeignKeyNullableRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="residents", null=True, on_delete=fields.RESTRICT
    )
    district_id: str | None
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="residents", null=True, on_delete=fields.RESTRICT
    )
    community_id: str | None
    household: fields.ForeignKeyNullableRelation[Household] = fields.ForeignKeyField(
        "models.Household", related_name="members", null=True, on_delete=fields.SET_NULL
    )
    household_id: str | None
    public_profile = fields.BooleanField(default=False)
    real_name_cipher = fields.TextField(null=True)
    real_name_masked = fields.CharField(max_length=64, null=True)
    id_number_cipher = fields.TextField(null=True)
    id_number_hash = fields.CharField(max_length=64, null=True, unique=True)
    id_number_masked = fields.CharField(max_length=32, null=True)
    # A well-formed ID number is not a verification: this is set when a worker saw the
    # resident's identity document in person (`staff:<id>`) or an identity service confirmed
    # it (`service:<name>`), and cleared when the number changes.
    real_name_verified_at = fields.DatetimeField(null=True)
    real_name_verified_by = fields.CharField(max_length=64, null=True)
    # The mobile number WeChat vouched for (getPhoneNumber): encrypted, and its mask
    # (138****1234), which is all anyone is shown and what staff search by.
    phone_cipher = fields.TextField(null=True)
    phone_masked = fields.CharField(max_length=16, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "resident"

    @property
    def missing(self) -> list[str]:
        """What the resident has yet to give, most needed first."""
        missing = []
        if self.community_id is None:
            missing.append("community")
        if not self.nickname:
            missing.append("nickname")
        if self.id_number_hash is None:
            missing.append("real_name")
        elif self.real_name_verified_at is None:
            missing.append("real_name_verification")
        return missing

    @property
    def real_name_status(self) -> str:
        """`none`; `number_checked` (a well-formed ID number, not yet seen by anyone);
        `verified` (in person by a worker, or by an identity service)."""
        if self.id_number_hash is None:
            return "none"
        return "verified" if self.real_name_verified_at is not None else "number_checked"

    @property
    def real_name_verified(self) -> bool:
        return self.real_name_verified_at is not None


class RealNameCheck(Model):
    """One question put to the identity service about a resident's real name: who, when, which
    service and what it said (`match`, `no_match`, `unavailable`). Never the name or number."""

    id = fields.CharField(max_length=26, primary_key=True, default=new_id)
    resident_id = fields.CharField(max_length=26)
    service = fields.CharField(max_length=64)
    result = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "real_name_check"
        indexes = (("resident_id", "created_at"),)


class HouseholdShare(Model):
    """What one participation of a member earned their household, decided once by the
    `household-rollup` job (none when the rules gave nothing): a second run finds it decided."""

    # The participation transaction (its id: one decision each).
    id = fields.CharField(max_length=26, primary_key=True)
    district_id = fields.CharField(max_length=26)
    household_id = fields.CharField(max_length=26, db_index=True)
    resident_id = fields.CharField(max_length=26)
    units = fields.BigIntField()
    # direct: a household action (the whole amount); share: the district percentage; none
    basis = fields.CharField(max_length=16)
    posted_id = fields.CharField(max_length=26, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "household_share"
