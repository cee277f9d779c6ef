from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_ledger_entry_resident_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BadgeCandidate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.CharField(max_length=26)),
                ('resident_id', fields.CharField(max_length=26)),
                ('badge_id', fields.CharField(max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'badge_candidate', 'app': 'models', 'indexes': [Index(fields=['run', 'resident_id', 'badge_id']), Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'A badge a resident meets, as one award-badges run found it: the run works through these.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BadgeDefinition',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', null=True, db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('criterion_kind', fields.CharField(max_length=32)),
                ('criterion_action', fields.CharField(null=True, max_length=64)),
                ('threshold', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('star', fields.SmallIntField(null=True)),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'badge_definition', 'app': 'models', 'unique_together': (('district_id', 'code'),), 'pk_attr': 'id', 'table_description': 'A badge and the criterion that earns it. Platform badges have no district and hold in all.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BadgeAward',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('public_id', fields.CharField(unique=True, max_length=32)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='badge_awards', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('models.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='badge_awards', on_delete=OnDelete.RESTRICT)),
                ('badge', fields.ForeignKeyField('models.BadgeDefinition', source_field='badge_id', db_constraint=True, to_field='id', related_name='awards', on_delete=OnDelete.RESTRICT)),
                ('awarded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('awarded_run', fields.CharField(null=True, max_length=26)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revocation_reason', fields.TextField(null=True, unique=False)),
                ('revoked_by', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'badge_award', 'app': 'models', 'unique_together': (('resident_id', 'badge_id'),), 'indexes': [Index(fields=['district_id', 'awarded_at'])], 'pk_attr': 'id', 'table_description': 'A badge awarded to a resident: at most one per resident and badge, never deleted.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HonourRoll',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='honour_rolls', on_delete=OnDelete.RESTRICT)),
                ('period', fields.CharField(max_length=7)),
                ('taken_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'honour_roll', 'app': 'models', 'unique_together': (('district_id', 'period'),), 'pk_attr': 'id', 'table_description': 'A district honour roll for one month, a snapshot the honour-roll job takes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HonourRollEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('roll', fields.ForeignKeyField('models.HonourRoll', source_field='roll_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='honour_roll_entries', on_delete=OnDelete.RESTRICT)),
                ('board', fields.CharField(max_length=16)),
                ('rank', fields.IntField()),
                ('resident', fields.ForeignKeyField('models.Resident', source_field='resident_id', null=True, db_constraint=True, to_field='id', related_name='honour_roll_entries', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('models.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='honour_roll_entries', on_delete=OnDelete.RESTRICT)),
                ('display_name', fields.CharField(max_length=100)),
                ('value', fields.DecimalField(max_digits=14, decimal_places=2)),
            ],
            options={'table': 'honour_roll_entry', 'app': 'models', 'unique_together': (('roll_id', 'board', 'rank'),), 'pk_attr': 'id', 'table_description': 'One line of an honour roll: a resident (masked) or a community, its rank and value.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WeChatAccessToken',
            fields=[
                ('appid', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('access_token', fields.TextField(unique=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('refreshed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'wechat_access_token', 'app': 'models', 'pk_attr': 'appid', 'table_description': 'The access_token of one mini-program, shared by every worker and replica.'},
            bases=['Model'],
        ),
    ]
