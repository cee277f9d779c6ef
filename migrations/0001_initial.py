from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from kernel.ids import new_id
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='District',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'district', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Community',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='communities', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community', 'app': 'models', 'unique_together': (('district_id', 'code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DistrictRulesVersion',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='rules_versions', on_delete=OnDelete.RESTRICT)),
                ('effective_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rules', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'district_rules_version', 'app': 'models', 'indexes': [Index(fields=['district_id', 'effective_from'])], 'pk_attr': 'id', 'table_description': 'The rules of a district from `effective_from` on. A change adds a version, none is edited,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Household',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('models.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'household', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A household, for pilots that score households together.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('principal', fields.CharField(max_length=64)),
                ('key', fields.CharField(max_length=200)),
                ('request_hash', fields.CharField(max_length=64)),
                ('status_code', fields.IntField()),
                ('response_body', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotency_record', 'app': 'models', 'unique_together': (('principal', 'key'),), 'pk_attr': 'id', 'table_description': 'The first response to a value-moving request, replayed for retries with the same key.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('job', fields.CharField(max_length=64)),
                ('slot', fields.CharField(max_length=40)),
                ('status', fields.CharField(max_length=16)),
                ('trigger', fields.CharField(max_length=16)),
                ('runner', fields.CharField(max_length=120)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('stats', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'job_run', 'app': 'models', 'unique_together': (('job', 'slot'),), 'pk_attr': 'id', 'table_description': 'One run of a scheduled job for one time slot, the unique pair makes replicas take turns.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.CharField(db_index=True, max_length=150)),
                ('address', fields.CharField(db_index=True, max_length=64)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_failure', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A failed login, counted per account and per client address to rate-limit guessing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('recipient_kind', fields.CharField(max_length=16)),
                ('recipient_id', fields.CharField(db_index=True, max_length=26)),
                ('topic', fields.CharField(max_length=64)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The outbox: written in the transaction of the event, `dispatch-notifications` sends it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('family', fields.CharField(db_index=True, max_length=26)),
                ('subject', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'refresh_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One refresh token, a family is one login. Reusing a used token revokes the family.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Resident',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('openid', fields.CharField(unique=True, max_length=128)),
                ('unionid', fields.CharField(null=True, db_index=True, max_length=128)),
                ('nickname', fields.CharField(default='', max_length=64)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', null=True, db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('models.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.RESTRICT)),
                ('household', fields.ForeignKeyField('models.Household', source_field='household_id', null=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.SET_NULL)),
                ('public_profile', fields.BooleanField(default=False)),
                ('real_name_cipher', fields.TextField(null=True, unique=False)),
                ('real_name_masked', fields.CharField(null=True, max_length=64)),
                ('id_number_cipher', fields.TextField(null=True, unique=False)),
                ('id_number_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('id_number_masked', fields.CharField(null=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'resident', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A resident known by their WeChat openid. Personal data is encrypted at rest.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Staff',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('username', fields.CharField(unique=True, max_length=150)),
                ('password_hash', fields.CharField(max_length=200)),
                ('role', fields.CharField(max_length=20)),
                ('display_name', fields.CharField(default='', max_length=100)),
                ('district', fields.ForeignKeyField('models.District', source_field='district_id', null=True, db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A community worker, a district administrator or a platform administrator.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffCommunity',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('models.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='community_links', on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('models.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='staff_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'staff_community', 'app': 'models', 'unique_together': (('staff_id', 'community_id'),), 'pk_attr': 'id', 'table_description': 'Which communities a worker serves.'},
            bases=['Model'],
        ),
    ]
