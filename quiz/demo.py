"""The quiz part of `seed-demo`: a question bank written from real provisions of Ningbo's
regulations (文明行为 on serving chopsticks, zebra crossings and opening a car door; 养犬 on
walking a dog; 生活垃圾分类 on its four categories), and a special quiz open for two weeks,
so a resident of the demo has a daily quiz at once. Once, however often it runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accounts.models import District
from kernel.auth import Principal
from quiz.models import Question, SpecialQuiz
from quiz.schemas import QuestionIn, SpecialQuizIn
from quiz.service import add_question, open_special

DOG_WALKING = "重点管理区携犬出户规范"
QUESTIONS = [
    {
        "regulation": "civility",
        "kind": "single",
        "text": "在健康文明生活方面，条例提倡用餐时怎样做？",
        "options": ["用自己的筷子为他人夹菜", "实行分餐制、使用公筷公勺", "由一人代大家夹菜"],
        "answer": [1],
        "explanation": (
            "条例在健康文明、绿色环保生活方面提倡践行光盘行动，用餐实行分餐制、使用公筷公勺。"
        ),
        "article": "第二十四条",
    },
    {
        "regulation": "civility",
        "kind": "true_false",
        "text": "餐饮服务企业应当配备公筷公勺，有条件的应当推行分餐制。",
        "answer": [0],
        "explanation": (
            "条例规定餐饮服务企业应当配备公筷公勺，有条件的推行分餐制，引导消费者文明健康就餐。"
        ),
        "article": "第五十四条第四款",
    },
    {
        "regulation": "civility",
        "kind": "single",
        "text": "驾驶机动车行经斑马线，遇行人正在通过时，应当怎样做？",
        "options": ["鸣笛催促行人", "加速抢先通过", "停车礼让行人", "从行人身后绕行"],
        "answer": [2],
        "explanation": ("行经斑马线不礼让行人是交通出行方面重点治理的不文明行为，应当停车礼让。"),
        "article": "第二十九条",
    },
    {
        "regulation": "civility",
        "kind": "multiple",
        "text": "下列哪些是下车时“荷式开门法”的做法？",
        "options": [
            "用远离车门一侧的手开门",
            "开门前转头观察车辆侧方和后方",
            "停稳后直接推开车门",
            "避免妨碍他人通行",
        ],
        "answer": [0, 1, 3],
        "explanation": (
            "机动车驾驶人及乘车人下车时，用远离车门一侧的手"
            "开门，转头观察侧后方通行状况，避免妨碍他人通行。"
        ),
        "article": "第十八条第八项",
    },
    {
        "regulation": "dogs",
        "kind": "single",
        "text": "在重点管理区内携大型犬出户，犬链长度不得超过多少？",
        "options": ["一米", "一点五米", "两米", "三米"],
        "answer": [1],
        "explanation": ("大型犬的犬链长度不得超过一点五米，其他犬只的犬链长度不得超过两米。"),
        "article": DOG_WALKING,
    },
    {
        "regulation": "dogs",
        "kind": "true_false",
        "text": "在电梯或楼梯里遇到他人时，应当收紧犬链或者怀抱犬只，主动避让。",
        "answer": [0],
        "explanation": (
            "在电梯或者楼梯等狭小空间，应当采取收紧犬链或者怀抱犬只等方式主动避让他人。"
        ),
        "article": DOG_WALKING,
    },
    {
        "regulation": "dogs",
        "kind": "multiple",
        "text": "在重点管理区内携犬出户，应当做到哪些？",
        "options": [
            "由完全民事行为能力人以犬链有效管控犬只",
            "为大型犬佩戴嘴套",
            "即时清理犬只排泄物",
            "在小区里解开犬链让犬只自由奔跑",
        ],
        "answer": [0, 1, 2],
        "explanation": (
            "携犬出户应当以犬链有效管控犬只、为大型犬佩戴嘴套、主动避让他人、即时清理排泄物。"
        ),
        "article": DOG_WALKING,
    },
    {
        "regulation": "household-waste",
        "kind": "multiple",
        "text": "本市生活垃圾的基本分类标准包括哪几类？",
        "options": ["厨余垃圾", "可回收物", "有害垃圾", "其他垃圾", "装修垃圾"],
        "answer": [0, 1, 2, 3],
        "explanation": ("本市生活垃圾以厨余垃圾、可回收物、有害垃圾、其他垃圾为基本分类标准。"),
        "article": "第三条第二款",
    },
    {
        "regulation": "household-waste",
        "kind": "single",
        "text": "废电池、废荧光灯管、过期药品应当投放到哪一类收集容器？",
        "options": ["可回收物", "有害垃圾", "厨余垃圾", "其他垃圾"],
        "answer": [1],
        "explanation": (
            "对人体健康或者自然环境造成直接或者潜在危害的生"
            "活垃圾属于有害垃圾，应当投放到有害垃圾收集容器。"
        ),
        "article": "第三条第二款",
    },
]


async def seed_quiz(district: District) -> None:
    if await Question.exists(district_id=district.id):
        return
    admin = Principal(kind="staff", id="seed", role="district_admin", district_id=district.id)
    for question in QUESTIONS:
        await add_question(QuestionIn.model_validate(question), who=admin)
    if not await SpecialQuiz.exists(district_id=district.id):
        now = datetime.now(UTC)
        await open_special(
            SpecialQuizIn(
                title="文明城市我知晓·专项答题",
                opens_at=now - timedelta(minutes=1),
                closes_at=now + timedelta(days=14),
                questions=5,
            ),
            who=admin,
        )
