"""The database defaults of 0016, 0017 and 0037, on PostgreSQL databases that applied those
migrations before they carried them (the columns were then added to empty tables, without a
default). Every database past this point has the same columns, whichever version it started
from. SQLite, for development only, cannot change a column's default in place: a development
database is recreated, not upgraded."""

from tortoise import migrations
from tortoise.migrations import operations as ops

DEFAULTS = [
    ("honour_roll", "status", "'draft'"),
    ("activity", "walk_ins", "FALSE"),
    ("green_card", "basis", "'decision'"),
]


async def set_defaults(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    for table, column, default in DEFAULTS:
        await client.execute_script(
            f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET DEFAULT {default}'
        )


async def keep_defaults(apps, schema_editor) -> None:
    """Going back leaves the defaults: 0016, 0017 and 0037 set them too."""


class Migration(migrations.Migration):
    dependencies = [("models", "0038_partner_contact")]

    initial = False

    operations = [ops.RunPython(set_defaults, keep_defaults)]
