"""`seed-demo`: a believable demo district, safe to run again (it finds what it made)."""

from __future__ import annotations

from typing import Any

from app.accounts.models import Community, District, Resident, Staff
from app.accounts.schemas import StaffCreate
from app.accounts.service import create_community, create_district, create_staff, set_platform_admin
from app.core.auth import Principal
from app.core.db import transaction

DISTRICT = ("haishu", "海曙区")
COMMUNITIES = [("gulou", "鼓楼社区"), ("yuehu", "月湖社区"), ("nanmen", "南门社区")]
RESIDENTS = [
    ("demo-resident-1", "小王"),
    ("demo-resident-2", "李阿姨"),
    ("demo-resident-3", "陈师傅"),
]


async def seed(password: str) -> dict[str, Any]:
    system = Principal(kind="staff", id="seed", role="platform_admin")
    async with transaction():
        await set_platform_admin("admin", password)
        district = await District.get_or_none(code=DISTRICT[0]) or await create_district(
            code=DISTRICT[0], name=DISTRICT[1], by=system
        )
        communities = []
        for code, name in COMMUNITIES:
            community = await Community.get_or_none(district_id=district.id, code=code)
            communities.append(community or await create_community(district, code=code, name=name))
        for username, role, community_codes in (
            ("haishu-admin", "district_admin", []),
            ("gulou-worker", "worker", ["gulou"]),
            ("yuehu-worker", "worker", ["yuehu", "nanmen"]),
        ):
            if not await Staff.exists(username=username):
                await create_staff(
                    StaffCreate(
                        username=username,
                        password=password,
                        role=role,
                        district=district.code,
                        communities=community_codes,
                    ),
                    by=system,
                )
        for index, (openid, nickname) in enumerate(RESIDENTS):
            if not await Resident.exists(openid=openid):
                community = communities[index % len(communities)]
                await Resident.create(
                    openid=openid,
                    nickname=nickname,
                    district=district,
                    community=community,
                    public_profile=index != 1,
                )
    return {
        "staff_logins": {
            name: password for name in ("admin", "haishu-admin", "gulou-worker", "yuehu-worker")
        },
        "resident_logins": [f"dev-{openid}" for openid, _ in RESIDENTS],
        "how": "POST /api/v1/auth/login {username,password}; POST /api/v1/auth/wechat {code}",
    }
