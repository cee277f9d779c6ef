"""The quarterly moral assessment of households (moralbank/assessment_models.py): versioned
scoring standards, assessments per household and quarter, marks, reviews, objections."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from kernel.ids import new_id
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0030_console_session_limits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Assessment',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('community_id', fields.CharField(max_length=26)),
                ('household_id', fields.CharField(db_index=True, max_length=26)),
                ('period', fields.CharField(max_length=8)),
                ('standard_id', fields.CharField(max_length=26)),
                ('status', fields.CharField(default='open', max_length=16)),
                ('score', fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
                ('vetoed', fields.BooleanField(default=False)),
                ('opened_by', fields.CharField(max_length=64)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_by', fields.CharField(null=True, max_length=64)),
                ('objection_deadline', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('stood_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('credits', fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
            ],
            options={'table': 'assessment', 'app': 'models', 'unique_together': (('household_id', 'period'),), 'indexes': [Index(fields=['district_id', 'community_id', 'period'])], 'pk_attr': 'id', 'table_description': 'The assessment of one household for one quarter, under the standard version in force'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AssessmentMark',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('assessment_id', fields.CharField(db_index=True, max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('period', fields.CharField(max_length=8)),
                ('kind', fields.CharField(max_length=16)),
                ('by_household_id', fields.CharField(max_length=26)),
                ('by_resident_id', fields.CharField(max_length=26)),
                ('points', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('total', fields.DecimalField(max_digits=6, decimal_places=2)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'assessment_mark', 'app': 'models', 'unique_together': (('assessment_id', 'by_household_id'),), 'indexes': [Index(fields=['by_household_id', 'period'])], 'pk_attr': 'id', 'table_description': 'Points per item given by a household to itself (self) or to a neighbour, by one of its'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AssessmentObjection',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('statement', fields.TextField(unique=False)),
                ('photos', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('submitted_by', fields.CharField(max_length=64)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decision', fields.CharField(null=True, max_length=16)),
                ('decision_reason', fields.TextField(null=True, unique=False)),
                ('decided_by', fields.CharField(null=True, max_length=64)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('assessment_id', fields.CharField(db_index=True, max_length=26)),
                ('household_id', fields.CharField(max_length=26)),
            ],
            options={'table': 'assessment_objection', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An objection (异议) by a member of the household to its published result, and the'},
            bases=['ObjectionShape'],
        ),
        ops.CreateModel(
            name='AssessmentReview',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assessment_id', fields.CharField(db_index=True, max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('items', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('vetoes', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('score', fields.DecimalField(max_digits=6, decimal_places=2)),
                ('cause', fields.CharField(max_length=16)),
                ('by', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'assessment_review', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The score the community gives an assessment, item by item: the points of each item with'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AssessmentStandard',
            fields=[
                ('id', fields.CharField(primary_key=True, default=new_id, unique=True, db_index=True, max_length=26)),
                ('district_id', fields.CharField(max_length=26)),
                ('effective_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('created_by', fields.CharField(max_length=64)),
                ('standard', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'assessment_standard', 'app': 'models', 'indexes': [Index(fields=['district_id', 'effective_from'])], 'pk_attr': 'id', 'table_description': 'One version of the scoring standard of a district, in force from `effective_from`.'},
            bases=['Model'],
        ),
    ]
