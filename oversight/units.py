"""Units the district oversees: created one by one or imported from CSV/XLSX (all rows or
none), and the logins their own staff use."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from accounts.errors import UsernameTaken
from accounts.models import Community, Staff
from kernel import wechat
from kernel.auth import Principal
from kernel.i18n import _, translate
from kernel.passwords import hash_password
from oversight.errors import (
    ImportRejected,
    NoSuchUnit,
    UnitExists,
    UnknownCommunity,
    WeChatBoundElsewhere,
    WeChatNotBound,
)
from oversight.models import UNIT_TYPE_NAMES, Unit, UnitAccount
from oversight.schemas import UnitAccountIn, UnitIn
from oversight.scope import readable_units

COLUMNS = list(UnitIn.model_fields)
# The columns' Chinese names (the template's header), taken as well as the English ones.
CHINESE_COLUMNS = {
    "代码": "code",
    "名称": "name",
    "类型": "type",
    "社区": "community",
    "社区代码": "community",
    "地址": "address",
    "纬度": "lat",
    "经度": "lng",
    "负责人": "responsible_name",
    "负责人电话": "responsible_phone",
}


def _unit_type(value: str) -> str:
    """A unit type by its code, English name or Chinese name (`餐饮店` → `restaurant`)."""
    for code, name in UNIT_TYPE_NAMES.items():
        if value in (code, name, translate(name, "zh")):
            return code
    return value


MAX_ROWS = 20_000


async def get_unit(unit_id: str, *, who: Principal) -> Unit:
    unit = await readable_units(who).get_or_none(id=unit_id)
    if unit is None:
        raise NoSuchUnit(_("No such unit."))
    return unit


async def _community_ids(who: Principal, codes: set[str]) -> dict[str, str]:
    """code → id of the communities among `codes` in which the caller may add units."""
    found = await Community.filter(district_id=who.district_id or "", code__in=codes)
    return {c.code: c.id for c in found if who.sees_community(c.id, c.district_id)}


async def create_unit(data: UnitIn, *, who: Principal) -> Unit:
    communities = await _community_ids(who, {data.community})
    if data.community not in communities:
        raise UnknownCommunity(
            _("No community `{code}` among yours.", code=data.community),
            errors=[{"field": "community", "message": "not one of your communities"}],
        )
    if await Unit.exists(district_id=who.district_id, code=data.code):
        raise UnitExists(_("A unit with the code `{code}` exists already.", code=data.code))
    return await Unit.create(
        district_id=who.district_id,
        community_id=communities[data.community],
        created_by=who.subject,
        **data.model_dump(exclude={"community"}),
    )


def read_rows(data: bytes) -> list[dict[str, Any]]:
    """The rows of a CSV (UTF-8, with or without BOM) or XLSX file, by header name."""
    if data.startswith(b"PK"):
        # Imported here: openpyxl is slow to import and only imports need it, not startup.
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:
            raise ImportRejected(_("The file is not a readable XLSX workbook.")) from exc
        if sheet is None:
            raise ImportRejected(_("The workbook has no sheet."))
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRejected(_("A CSV file must be UTF-8.")) from exc
        try:
            values = [list(row) for row in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise ImportRejected(_("The file is not a readable CSV file.")) from exc
    if not values:
        raise ImportRejected(_("The file is empty."))
    header = [str(h or "").strip() for h in values[0]]
    header = [CHINESE_COLUMNS.get(h, h) for h in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown or not {"code", "name", "type", "community"} <= set(header):
        raise ImportRejected(
            _(
                "The first row names the columns: {columns} (or in Chinese: {chinese}).",
                columns=", ".join(COLUMNS),
                chinese="、".join(dict.fromkeys(h for h in CHINESE_COLUMNS if h != "社区代码")),
            ),
            errors=[{"field": "header", "message": f"unknown column {h}"} for h in unknown],
        )
    rows = []
    for row in values[1:]:
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        rows.append(
            {
                name: cell
                for name, cell in zip(header, row, strict=False)
                if name and cell is not None and str(cell).strip() != ""
            }
        )
    if len(rows) > MAX_ROWS:
        raise ImportRejected(_("At most {limit} rows at once.", limit=MAX_ROWS))
    return rows


async def import_units(data: bytes, *, who: Principal) -> int:
    """Creates every unit of the file, or none: each bad row is reported with its number."""
    rows = read_rows(data)
    errors: list[dict[str, str]] = []
    parsed: list[tuple[int, UnitIn]] = []
    for number, row in enumerate(rows, start=2):
        cleaned = {k: (str(v).strip() if k not in ("lat", "lng") else v) for k, v in row.items()}
        if "type" in cleaned:
            cleaned["type"] = _unit_type(cleaned["type"])
        try:
            parsed.append((number, UnitIn.model_validate(cleaned)))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = ".".join(str(p) for p in error["loc"]) or "row"
                errors.append({"field": f"row {number}.{loc}", "message": error["msg"]})
    communities = await _community_ids(who, {unit.community for _n, unit in parsed})
    existing = {
        str(code)
        for code in await Unit.filter(
            district_id=who.district_id, code__in=[u.code for _n, u in parsed]
        ).values_list("code", flat=True)
    }
    seen: set[str] = set()
    for number, unit in parsed:
        if unit.community not in communities:
            errors.append({"field": f"row {number}.community", "message": "unknown community"})
        if unit.code in existing or unit.code in seen:
            errors.append({"field": f"row {number}.code", "message": "code exists already"})
        seen.add(unit.code)
    if errors:
        raise ImportRejected(
            _(
                "{count} row(s) are wrong; nothing was imported.",
                count=len({e["field"].split(".")[0] for e in errors}),
            ),
            errors=errors,
        )
    await Unit.bulk_create(
        [
            Unit(
                district_id=who.district_id,
                community_id=communities[unit.community],
                created_by=who.subject,
                **unit.model_dump(exclude={"community"}),
            )
            for _n, unit in parsed
        ],
        batch_size=500,
    )
    return len(parsed)


async def create_unit_account(unit: Unit, data: UnitAccountIn) -> tuple[Staff, UnitAccount]:
    """A login for the unit's own staff: they see their unit's record, answer notices and
    submit rectification evidence."""
    if await Staff.exists(username=data.username):
        raise UsernameTaken(_("The username `{username}` is taken.", username=data.username))
    staff = await Staff.create(
        username=data.username,
        password_hash=await hash_password(data.password),
        role="unit_staff",
        display_name=data.display_name or unit.name,
        district_id=unit.district_id,
    )
    return staff, await UnitAccount.create(staff_id=staff.id, unit_id=unit.id)


# --- WeChat sign-in for a unit's staff -----------------------------------------------------


async def bind_wechat(who: Principal, code: str) -> UnitAccount:
    """Binds the caller's WeChat account (from a wx.login() code) to their unit login: from
    then on it signs in with that WeChat account too. One WeChat account, one login."""
    session = await wechat.login_session(code)
    account = await UnitAccount.get(staff_id=who.id)
    if await UnitAccount.filter(wechat_openid=session.openid).exclude(id=account.id).exists():
        raise WeChatBoundElsewhere(_("This WeChat account signs in for another login already."))
    await UnitAccount.filter(id=account.id).update(wechat_openid=session.openid)
    await account.refresh_from_db()
    return account


async def staff_by_wechat(code: str) -> Staff:
    """The enabled unit login a WeChat account was bound to."""
    session = await wechat.login_session(code)
    account = await UnitAccount.get_or_none(wechat_openid=session.openid)
    staff = None
    if account is not None:
        staff = await Staff.get_or_none(id=account.staff_id, disabled_at__isnull=True)
    if staff is None:
        raise WeChatNotBound(_("Sign in with the password once and bind WeChat first."))
    return staff
