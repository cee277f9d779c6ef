from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import PartialIndex

class Migration(migrations.Migration):
    dependencies = [('models', '0006_ledger_entry_no_account_fk')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Entry',
            name=None,
            fields=['owner_id', 'asset', 'action'],
        ),
        ops.AddIndex(
            model_name='Entry',
            index=PartialIndex(fields=['owner_id', 'asset', 'action'], condition={'owner_kind': 'resident'}),
        ),
    ]
