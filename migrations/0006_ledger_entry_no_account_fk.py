"""Entries carry no database foreign key to their account (credits.models.Entry.account has
`db_constraint=False`), but Tortoise's migration schema editor wrote the constraint into
`CREATE TABLE ledger_entry` all the same. On PostgreSQL checking it share-locks the account
row for every entry, so every award of a district locked its treasury rows: drop it there.
On SQLite the check locks nothing (writers are serialised anyway) and a constraint cannot be
dropped without rebuilding the table, so it stays. Accounts are never deleted (0003), so the
reference cannot dangle either way."""

from tortoise import migrations
from tortoise.migrations import operations as ops

DROP_ACCOUNT_FK = """
DO $$
DECLARE
    found record;
BEGIN
    FOR found IN
        SELECT c.conname FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.conrelid = 'ledger_entry'::regclass AND c.contype = 'f'
          AND c.confrelid = 'ledger_account'::regclass AND a.attname = 'account_id'
    LOOP
        EXECUTE format('ALTER TABLE ledger_entry DROP CONSTRAINT %I', found.conname);
    END LOOP;
END
$$
"""

ADD_ACCOUNT_FK = (
    "ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_account_id_fkey "
    "FOREIGN KEY (account_id) REFERENCES ledger_account (id) ON DELETE RESTRICT"
)


async def drop_account_fk(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(DROP_ACCOUNT_FK)


async def add_account_fk(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(ADD_ACCOUNT_FK)


class Migration(migrations.Migration):
    dependencies = [("models", "0005_ten_civility_actions")]

    initial = False

    operations = [ops.RunPython(drop_account_fk, add_account_fk)]
