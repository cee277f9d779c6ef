"""Residents' running totals (`resident_total`), posted with the ledger's entries; filled here
from the entries posted so far."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

BACKFILL = """
INSERT INTO resident_total (district_id, owner_id, asset, action, amount)
SELECT district_id, owner_id, asset, COALESCE(action, ''), SUM(amount)
FROM ledger_entry WHERE owner_kind = 'resident' AND account_kind = 'available'
GROUP BY district_id, owner_id, asset, COALESCE(action, '')
"""


async def backfill(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(BACKFILL)


async def forget(apps, schema_editor) -> None:
    await schema_editor.client.execute_script("DELETE FROM resident_total")


class Migration(migrations.Migration):
    dependencies = [("models", "0013_perf_auth_invalidation")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ResidentTotal",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("district_id", fields.CharField(max_length=26)),
                ("owner_id", fields.CharField(max_length=26)),
                ("asset", fields.CharField(max_length=16)),
                ("action", fields.CharField(max_length=64)),
                ("amount", fields.BigIntField()),
            ],
            options={
                "table": "resident_total",
                "app": "models",
                "unique_together": (("district_id", "owner_id", "asset", "action"),),
                "indexes": [Index(fields=["owner_id"])],
                "pk_attr": "id",
                "table_description": "A resident's running total of an asset per action and district: the sum of their",
            },
            bases=["Model"],
        ),
        ops.RunPython(backfill, forget),
    ]
