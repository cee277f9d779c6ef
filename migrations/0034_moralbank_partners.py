"""The moral bank partners: green cards and their scans, partner banks and credentials,
households' consents, partner queries and attestations."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0033_moralbank_assessment")]

    initial = False

    operations = [
        ops.CreateModel(
            name="GreenCard",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                (
                    "district",
                    fields.ForeignKeyField(
                        "models.District",
                        source_field="district_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="green_cards",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "resident",
                    fields.ForeignKeyField(
                        "models.Resident",
                        source_field="resident_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="green_cards",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("code_hash", fields.CharField(unique=True, max_length=64)),
                ("status", fields.CharField(default="active", max_length=16)),
                ("grant_reason", fields.TextField(unique=False)),
                ("granted_by", fields.CharField(max_length=64)),
                ("granted_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("status_reason", fields.TextField(null=True, unique=False)),
                ("status_by", fields.CharField(null=True, max_length=64)),
                ("status_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "green_card",
                "app": "models",
                "indexes": [
                    Index(fields=["district_id", "status"]),
                    Index(fields=["resident_id", "status"]),
                ],
                "pk_attr": "id",
                "table_description": "A moral model green card granted by a district, shown as a QR code to partner merchants.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="GreenCardMiss",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("address_hash", fields.CharField(max_length=64)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "green_card_miss",
                "app": "models",
                "indexes": [Index(fields=["address_hash", "at"])],
                "pk_attr": "id",
                "table_description": "A code asked for that names no card, by a keyed hash of the asking address: the throttle.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="GreenCardScan",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                (
                    "card",
                    fields.ForeignKeyField(
                        "models.GreenCard",
                        source_field="card_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="scans",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("district_id", fields.CharField(max_length=26)),
                ("shown_status", fields.CharField(max_length=16)),
                ("scanned_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "green_card_scan",
                "app": "models",
                "indexes": [Index(fields=["card_id", "scanned_at"])],
                "pk_attr": "id",
                "table_description": "One look at the public page of a green card: when, and what it showed.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PartnerBank",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                (
                    "district",
                    fields.ForeignKeyField(
                        "models.District",
                        source_field="district_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="partner_banks",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("name", fields.CharField(max_length=100)),
                ("terms", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("created_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "terms_changed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "partner_bank",
                "app": "models",
                "unique_together": (("district_id", "name"),),
                "pk_attr": "id",
                "table_description": "A bank that lends on the moral standing, registered by a district with its band terms.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Consent",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(max_length=26)),
                (
                    "household",
                    fields.ForeignKeyField(
                        "models.Household",
                        source_field="household_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="partner_consents",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "partner",
                    fields.ForeignKeyField(
                        "models.PartnerBank",
                        source_field="partner_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="consents",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("purpose", fields.CharField(max_length=32)),
                (
                    "given_by",
                    fields.ForeignKeyField(
                        "models.Resident",
                        source_field="given_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="partner_consents",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("given_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("valid_until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "withdrawn_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("withdrawn_by", fields.CharField(null=True, max_length=64)),
            ],
            options={
                "table": "partner_consent",
                "app": "models",
                "indexes": [Index(fields=["household_id", "partner_id"])],
                "pk_attr": "id",
                "table_description": "A household consent to give its band to one partner for one purpose until a day.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Attestation",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("public_id", fields.CharField(unique=True, max_length=32)),
                ("district_id", fields.CharField(max_length=26)),
                ("household_id", fields.CharField(max_length=26)),
                (
                    "partner",
                    fields.ForeignKeyField(
                        "models.PartnerBank",
                        source_field="partner_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attestations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "consent",
                    fields.ForeignKeyField(
                        "models.Consent",
                        source_field="consent_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attestations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("band", fields.CharField(max_length=32)),
                ("period", fields.CharField(max_length=16)),
                ("issued_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("valid_until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "partner_attestation",
                "app": "models",
                "indexes": [Index(fields=["consent_id"])],
                "pk_attr": "id",
                "table_description": "A signed statement of a household band for a period, issued to a partner under a consent.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PartnerCredential",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                (
                    "partner",
                    fields.ForeignKeyField(
                        "models.PartnerBank",
                        source_field="partner_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="credentials",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("client_id", fields.CharField(unique=True, max_length=40)),
                ("secret_hash", fields.CharField(max_length=64)),
                ("created_by", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("retired_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "partner_credential",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A partner client id and the keyed hash of its secret. A new pair retires the old one.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PartnerQuery",
            fields=[
                (
                    "id",
                    fields.CharField(
                        primary_key=True, default=new_id, unique=True, db_index=True, max_length=26
                    ),
                ),
                ("district_id", fields.CharField(max_length=26)),
                ("household_id", fields.CharField(db_index=True, max_length=26)),
                (
                    "partner",
                    fields.ForeignKeyField(
                        "models.PartnerBank",
                        source_field="partner_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="queries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("purpose", fields.CharField(max_length=32)),
                ("outcome", fields.CharField(max_length=16)),
                ("attestation_id", fields.BigIntField(null=True)),
                ("asked_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "partner_query",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A partner asking for a household attestation: logged whatever the answer, shown to it.",
            },
            bases=["Model"],
        ),
    ]
