"""Every worker's cache of principals (`kernel/authcache.py`) hears of each change that
could end or narrow an access: on PostgreSQL, triggers `NOTIFY auth_changed` when a login
(refresh family) is revoked, and when staff, their communities or residents change or go,
whatever statement made the change. The notice is sent on commit. SQLite caches no principals
and has no triggers."""

from tortoise import migrations
from tortoise.migrations import operations as ops

FUNCTION = """
CREATE OR REPLACE FUNCTION auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row record;
BEGIN
    IF TG_OP = 'DELETE' THEN row := OLD; ELSE row := NEW; END IF;
    IF TG_TABLE_NAME = 'refresh_token' THEN
        PERFORM pg_notify('auth_changed', 'session:' || row.family);
    ELSIF TG_TABLE_NAME = 'staff' THEN
        PERFORM pg_notify('auth_changed', 'subject:staff:' || row.id);
    ELSIF TG_TABLE_NAME = 'staff_community' THEN
        PERFORM pg_notify('auth_changed', 'subject:staff:' || row.staff_id);
        IF TG_OP = 'UPDATE' THEN
            PERFORM pg_notify('auth_changed', 'subject:staff:' || OLD.staff_id);
        END IF;
    ELSIF TG_TABLE_NAME = 'resident' THEN
        PERFORM pg_notify('auth_changed', 'subject:resident:' || row.id);
    END IF;
    RETURN NULL;
END
$$
"""

TRIGGERS = {
    "refresh_token": "AFTER UPDATE OF revoked_at OR DELETE",
    "staff": "AFTER UPDATE OR DELETE",
    "staff_community": "AFTER INSERT OR UPDATE OR DELETE",
    "resident": "AFTER UPDATE OF district_id, community_id OR DELETE",
}


async def add_triggers(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    await client.execute_script(FUNCTION)
    for table, when in TRIGGERS.items():
        await client.execute_script(
            f"CREATE TRIGGER {table}_auth_changed {when} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION auth_changed()"
        )


async def drop_triggers(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    for table in TRIGGERS:
        await client.execute_script(f"DROP TRIGGER IF EXISTS {table}_auth_changed ON {table}")
    await client.execute_script("DROP FUNCTION IF EXISTS auth_changed()")


class Migration(migrations.Migration):
    dependencies = [("models", "0012_security_upload_community")]

    initial = False

    operations = [ops.RunPython(add_triggers, drop_triggers)]
