"""The platform's badges, in every district: five volunteer star levels, one badge per civility
action, and one for practising all ten actions."""

from tortoise import migrations
from tortoise.migrations import operations as ops

PLATFORM_BADGES = """
INSERT INTO badge_definition
    (id, district_id, code, name, description, criterion_kind, criterion_action, threshold,
     star, created_by, created_at)
VALUES
        ('01m8fgrd5tjmpxebkqyk77784p', NULL, 'star-1', '一星志愿者', '累计经核实的志愿服务时长达到 100 小时（★）。', 'hours_total', NULL, 100, 1, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd5wvvvzct2hw0ye22em', NULL, 'star-2', '二星志愿者', '累计经核实的志愿服务时长达到 300 小时（★★）。', 'hours_total', NULL, 300, 2, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd5zavh947b8a09b5y1z', NULL, 'star-3', '三星志愿者', '累计经核实的志愿服务时长达到 600 小时（★★★）。', 'hours_total', NULL, 600, 3, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd61v7z27734wpdc3qh3', NULL, 'star-4', '四星志愿者', '累计经核实的志愿服务时长达到 1000 小时（★★★★）。', 'hours_total', NULL, 1000, 4, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd63wmc29apx7y6720qz', NULL, 'star-5', '五星志愿者', '累计经核实的志愿服务时长达到 1500 小时（★★★★★）。', 'hours_total', NULL, 1500, 5, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd65x513t0egmctfg1yb', NULL, 'action-family-tradition', '甬尚好家风践行者', '经核实或审核通过的「甬尚好家风」行动累计 10 次。', 'action_count', 'family-tradition', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd683s4acjreda2w2rtc', NULL, 'action-zebra-crossing', '礼让斑马线践行者', '经核实或审核通过的「礼让斑马线」行动累计 10 次。', 'action_count', 'zebra-crossing', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6a7yj986afxjzxj2sc', NULL, 'action-serving-chopsticks', '聚餐用公筷践行者', '经核实或审核通过的「聚餐用公筷」行动累计 10 次。', 'action_count', 'serving-chopsticks', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6cgsk8wcy9rdp6qse2', NULL, 'action-volunteering', '随手做志愿践行者', '经核实或审核通过的「随手做志愿」行动累计 10 次。', 'action_count', 'volunteering', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6e5cmadd5kjfd85rzq', NULL, 'action-keep-promises', '重信守承诺践行者', '经核实或审核通过的「重信守承诺」行动累计 10 次。', 'action_count', 'keep-promises', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6gkh1yq0dmy3dcchsy', NULL, 'action-waste-sorting', '垃圾要分类践行者', '经核实或审核通过的「垃圾要分类」行动累计 10 次。', 'action_count', 'waste-sorting', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6j3e6973xdvqpbp68x', NULL, 'action-neighbourly-harmony', '邻里讲和谐践行者', '经核实或审核通过的「邻里讲和谐」行动累计 10 次。', 'action_count', 'neighbourly-harmony', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6m8s4tk6xw6skd6h18', NULL, 'action-caring-kitchen', '爱心暖厨房践行者', '经核实或审核通过的「爱心暖厨房」行动累计 10 次。', 'action_count', 'caring-kitchen', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6p08vpwhbejftmgdwa', NULL, 'action-frugal-banquets', '办酒不铺张践行者', '经核实或审核通过的「办酒不铺张」行动累计 10 次。', 'action_count', 'frugal-banquets', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6ss531xb32saaktr2a', NULL, 'action-finish-your-water', '带走半瓶水践行者', '经核实或审核通过的「带走半瓶水」行动累计 10 次。', 'action_count', 'finish-your-water', 10, NULL, 'platform', '2026-11-27 00:00:00+00:00'),
        ('01m8fgrd6vxq8w7218q1vffhtm', NULL, 'all-ten-actions', '十大文明行动全践行', '十大文明行动每一项都至少有一次经核实或审核通过的参与。', 'distinct_actions', NULL, 10, NULL, 'platform', '2026-11-27 00:00:00+00:00')
"""


class Migration(migrations.Migration):
    dependencies = [("models", "0008_recognition")]

    initial = False

    operations = [
        ops.RunSQL(PLATFORM_BADGES, reverse_sql="DELETE FROM badge_definition WHERE district_id IS NULL"),
    ]
