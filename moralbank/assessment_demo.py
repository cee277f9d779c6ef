"""The demo district's moral assessment: Yuyao's standard, a few households of a community
with members, and a past quarter assessed, reviewed, published and standing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

YUYAO_STANDARD: dict[str, Any] = {
    "categories": [
        {
            "code": "law-civility",
            "name": "遵纪守法·行为文明",
            "items": [
                {
                    "code": "law",
                    "name": "遵守法律法规",
                    "max_points": 10,
                    "deduction": "有违法行为的，每次扣5分",
                },
                {
                    "code": "traffic",
                    "name": "文明出行",
                    "max_points": 8,
                    "deduction": "交通违法的，每次扣2分",
                },
                {
                    "code": "manners",
                    "name": "文明礼仪",
                    "max_points": 6,
                    "deduction": "有不文明行为的，每次扣2分",
                },
                {
                    "code": "environment",
                    "name": "爱护环境",
                    "max_points": 6,
                    "deduction": "乱扔乱倒、损坏公物的，每次扣2分",
                },
                {
                    "code": "waste",
                    "name": "垃圾分类",
                    "max_points": 6,
                    "deduction": "未分类投放的，每次扣1分",
                },
            ],
        },
        {
            "code": "public-good",
            "name": "热心公益·支持发展",
            "items": [
                {
                    "code": "volunteering",
                    "name": "参加志愿服务",
                    "max_points": 8,
                    "deduction": "本季度未参加志愿服务的，扣4分",
                },
                {
                    "code": "public-affairs",
                    "name": "支持村社建设",
                    "max_points": 8,
                    "deduction": "阻挠公共建设的，每次扣4分",
                },
                {
                    "code": "charity",
                    "name": "扶贫济困",
                    "max_points": 8,
                    "deduction": "有能力而拒不参与互助的，扣2分",
                },
            ],
        },
        {
            "code": "honesty-diligence",
            "name": "诚实守信·勤劳致富",
            "items": [
                {
                    "code": "honesty",
                    "name": "诚实守信",
                    "max_points": 8,
                    "deduction": "有失信行为的，每次扣4分",
                },
                {
                    "code": "repayment",
                    "name": "按时还贷",
                    "max_points": 6,
                    "deduction": "逾期还款的，每次扣3分",
                },
                {
                    "code": "diligence",
                    "name": "勤劳致富",
                    "max_points": 6,
                    "deduction": "好逸恶劳、游手好闲的，扣3分",
                },
            ],
        },
        {
            "code": "family-neighbours",
            "name": "家庭和睦·邻里团结",
            "items": [
                {
                    "code": "harmony",
                    "name": "家庭和睦",
                    "max_points": 6,
                    "deduction": "家庭纠纷经调解的，每次扣2分",
                },
                {
                    "code": "filial",
                    "name": "孝老爱亲",
                    "max_points": 6,
                    "deduction": "不赡养老人的，扣6分",
                },
                {
                    "code": "neighbourly",
                    "name": "邻里团结",
                    "max_points": 4,
                    "deduction": "邻里纠纷经调解的，每次扣2分",
                },
                {
                    "code": "customs",
                    "name": "移风易俗",
                    "max_points": 4,
                    "deduction": "大操大办的，扣2分",
                },
            ],
        },
    ],
    "vetoes": [
        {"code": "crime", "name": "违法犯罪受到刑事处罚"},
        {"code": "vice", "name": "参与黄赌毒或邪教活动"},
        {"code": "defaulter", "name": "被列为失信被执行人"},
    ],
    "neighbour_quota": 5,
    "objection_days": 7,
    "credits_per_point": 1,
    "stars_per_community": 3,
    "star_min_score": 90,
}


def full_marks() -> dict[str, int]:
    """Every item of Yuyao's standard at its maximum."""
    return {
        item["code"]: item["max_points"]
        for category in YUYAO_STANDARD["categories"]
        for item in category["items"]
    }


__all__ = ["UTC", "YUYAO_STANDARD", "datetime", "full_marks", "timedelta"]
