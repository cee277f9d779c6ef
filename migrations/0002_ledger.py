from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(db_index=True, max_length=26)),
                ('owner_kind', fields.CharField(max_length=16)),
                ('owner_id', fields.CharField(max_length=26)),
                ('kind', fields.CharField(max_length=16)),
                ('asset', fields.CharField(max_length=16)),
                ('bounded', fields.BooleanField()),
                ('balance', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ledger_account', 'app': 'models', 'unique_together': (('owner_kind', 'owner_id', 'district_id', 'kind', 'asset'),), 'pk_attr': 'id', 'table_description': 'The holding of one owner in one asset and district. Only bounded accounts keep a balance.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerBlock',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('district_id', fields.CharField(max_length=26)),
                ('sequence', fields.IntField()),
                ('previous_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
                ('transaction_count', fields.IntField()),
                ('sealed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_block', 'app': 'models', 'unique_together': (('district_id', 'sequence'),), 'pk_attr': 'id', 'table_description': 'A sealed batch of transactions of a district. Its hash covers them and the block before.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerTransaction',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('kind', fields.CharField(max_length=16)),
                ('ref_type', fields.CharField(max_length=32)),
                ('ref_id', fields.CharField(max_length=80)),
                ('action', fields.CharField(null=True, max_length=64)),
                ('reverses_id', fields.CharField(null=True, unique=True, max_length=26)),
                ('actor', fields.CharField(max_length=64)),
                ('memo', fields.CharField(default='', max_length=500)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_transaction', 'app': 'models', 'unique_together': (('ref_type', 'ref_id', 'kind'),), 'indexes': [Index(fields=['district_id', 'id'])], 'pk_attr': 'id', 'table_description': 'Entries that sum to zero per asset, posted together. Never updated nor deleted.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Entry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('transaction', fields.ForeignKeyField('models.LedgerTransaction', source_field='transaction_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=False, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('district_id', fields.CharField(max_length=26)),
                ('owner_kind', fields.CharField(max_length=16)),
                ('owner_id', fields.CharField(max_length=26)),
                ('account_kind', fields.CharField(max_length=16)),
                ('asset', fields.CharField(max_length=16)),
                ('action', fields.CharField(null=True, max_length=64)),
                ('kind', fields.CharField(max_length=16)),
                ('amount', fields.BigIntField()),
                ('balance_after', fields.BigIntField(null=True)),
                ('earning', fields.BooleanField(default=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_entry', 'app': 'models', 'indexes': [Index(fields=['owner_id', 'asset', 'action']), Index(fields=['account_id', 'id']), Index(fields=['transaction_id'])], 'pk_attr': 'id', 'table_description': 'One leg of a transaction: an amount on an account. Owner, asset and action are copied'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reward',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(db_index=True, max_length=26)),
                ('community_id', fields.CharField(null=True, max_length=26)),
                ('title', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('cost', fields.BigIntField()),
                ('stock', fields.IntField()),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reward', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Something residents can redeem credits for, with the stock still available.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Redemption',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('reward', fields.ForeignKeyField('models.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('resident_id', fields.CharField(db_index=True, max_length=26)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('cost', fields.BigIntField()),
                ('status', fields.CharField(default='held', max_length=16)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('settled_by', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'redemption', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A claim of a resident on a reward: held, then fulfilled at pickup, voided or expired.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SealedTransaction',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('block', fields.ForeignKeyField('models.LedgerBlock', source_field='block_id', db_constraint=True, to_field='id', related_name='sealed', on_delete=OnDelete.RESTRICT)),
                ('transaction', fields.OneToOneField('models.LedgerTransaction', source_field='transaction_id', db_constraint=True, to_field='id', related_name='seal', on_delete=OnDelete.RESTRICT)),
                ('district_id', fields.CharField(max_length=26)),
                ('digest', fields.CharField(max_length=64)),
            ],
            options={'table': 'ledger_sealed_transaction', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Which block sealed a transaction (a transaction row itself is never written again).'},
            bases=['Model'],
        ),
    ]
