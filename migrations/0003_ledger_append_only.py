"""The ledger is append-only: the database itself refuses to update or delete its rows, and
to delete an account (whose balance alone may change)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

APPEND_ONLY = (
    "ledger_transaction",
    "ledger_entry",
    "ledger_block",
    "ledger_sealed_transaction",
)

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _statements(dialect: str) -> list[str]:
    if dialect == "postgres":
        statements = [POSTGRES_FUNCTION]
        for table in APPEND_ONLY:
            statements += [
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
            ]
        return [
            *statements,
            "CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
            "CREATE TRIGGER ledger_account_no_truncate BEFORE TRUNCATE ON ledger_account "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
        ]
    statements = []
    for table, operation in [
        *((table, operation) for table in APPEND_ONLY for operation in ("UPDATE", "DELETE")),
        ("ledger_account", "DELETE"),
    ]:
        statements.append(
            f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {operation} on {table} "
            "is refused'); END"
        )
    return statements


def _drop_statements(dialect: str) -> list[str]:
    if dialect == "postgres":
        statements = []
        for table in APPEND_ONLY:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            ]
        statements += [
            "DROP TRIGGER IF EXISTS ledger_account_no_delete ON ledger_account",
            "DROP TRIGGER IF EXISTS ledger_account_no_truncate ON ledger_account",
        ]
        return [*statements, "DROP FUNCTION IF EXISTS ledger_refuse_change()"]
    return [
        "DROP TRIGGER IF EXISTS ledger_account_no_delete",
        *(
            f"DROP TRIGGER IF EXISTS {table}_no_{operation}"
            for table in APPEND_ONLY
            for operation in ("update", "delete")
        ),
    ]


async def refuse_changes(apps, schema_editor) -> None:
    client = schema_editor.client
    for statement in _statements(client.capabilities.dialect):
        await client.execute_script(statement)


async def allow_changes(apps, schema_editor) -> None:
    client = schema_editor.client
    for statement in _drop_statements(client.capabilities.dialect):
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0002_ledger")]

    initial = False

    operations = [ops.RunPython(refuse_changes, allow_changes)]
