"""The city's ten civility actions (十大文明行动), present in every database; never edited."""

from tortoise import migrations
from tortoise.migrations import operations as ops

TEN_ACTIONS = [
    ("family-tradition", "甬尚好家风", "传承良好家风家训", "report with evidence, reviewed"),
    ("zebra-crossing", "礼让斑马线", "机动车礼让行人，行人文明过街", "worker attestation or report"),
    ("serving-chopsticks", "聚餐用公筷", "聚餐使用公筷公勺", "report (restaurant, photo), reviewed"),
    ("volunteering", "随手做志愿", "参加志愿服务活动", "activity with check-in (hours)"),
    ("keep-promises", "重信守承诺", "诚实守信，信守承诺", "worker attestation"),
    ("waste-sorting", "垃圾要分类", "生活垃圾分类投放", "report or attestation, daily cap"),
    ("neighbourly-harmony", "邻里讲和谐", "邻里互助，和睦相处", "report, reviewed"),
    ("caring-kitchen", "爱心暖厨房", "为老人和困难群众送餐助餐", "activity with check-in (hours)"),
    ("frugal-banquets", "办酒不铺张", "移风易俗，婚丧喜庆从简", "event filing: report before, file after"),
    ("finish-your-water", "带走半瓶水", "喝完或带走未喝完的瓶装水", "report, daily cap"),
]

INSERT = (
    "INSERT INTO civility_action (id, district_id, code, name, description, verification, "
    "created_at) VALUES "
    + ", ".join(
        f"('{code}', NULL, '{code}', '{name}', '{description}', '{verification}', "
        "CURRENT_TIMESTAMP)"
        for code, name, description, verification in TEN_ACTIONS
    )
)
DELETE = "DELETE FROM civility_action WHERE district_id IS NULL"


class Migration(migrations.Migration):
    dependencies = [("models", "0004_activities")]

    initial = False

    operations = [ops.RunSQL(INSERT, reverse_sql=DELETE)]
