"""Units the district oversees: created one by one or imported from CSV/XLSX (all rows or
none), and the logins their own staff use."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from pydantic import ValidationError

from accounts.errors import UsernameTaken
from accounts.models import Staff
from accounts.scope import served_communities
from kernel import imports, tabular, wechat
from kernel.auth import Principal
from kernel.i18n import N_, translate
from kernel.imports import ImportRejected
from kernel.passwords import hash_password
from kernel.table_reader import TableLimits
from kernel.validation import FieldMessage
from oversight.errors import (
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
UNKNOWN_COLUMN = N_("unknown column {column}")
# The columns' Chinese names, taken as well as the English ones; the first name of each
# column is the template's header (`TEMPLATE_HEADER`).
CHINESE_COLUMNS = {
    "代码": "code",
    "名称": "name",
    "类型": "type",
    "社区代码": "community",
    "社区": "community",
    "社区编码": "community",
    "地址": "address",
    "纬度": "lat",
    "经度": "lng",
    "负责人": "responsible_name",
    "负责人电话": "responsible_phone",
}


REQUIRED_COLUMNS = ("code", "name", "type", "community")
TEMPLATE_HEADER = [next(n for n, c in CHINESE_COLUMNS.items() if c == column) for column in COLUMNS]
# What each column of the template takes, as its second sheet says.
COLUMN_HELP = {
    "code": N_("The unit's code in the district: letters, digits, '.', '_' or '-'"),
    "name": N_("The unit's name"),
    "type": N_("A unit type by its name (sheet of valid values)"),
    "community": N_("The code of a community of the district (sheet of valid values)"),
    "address": N_("Its address"),
    "lat": N_("Latitude as Amap shows it (GCJ-02); with the longitude or not at all"),
    "lng": N_("Longitude as Amap shows it (GCJ-02); with the latitude or not at all"),
    "responsible_name": N_("The person in charge"),
    "responsible_phone": N_("Their phone: digits, '+', '-' and spaces"),
}


def _unit_type(value: str) -> str:
    """A unit type by its code, English name or Chinese name (`餐饮店` → `restaurant`)."""
    for code, name in UNIT_TYPE_NAMES.items():
        if value in (code, name, translate(name, "zh")):
            return code
    return value


MAX_ROWS = 20_000
# Far more columns than a unit has (a sheet may carry a few of its own), far fewer than a
# spreadsheet allows.
MAX_COLUMNS = 64
IMPORT_LIMITS = TableLimits(rows=MAX_ROWS, columns=MAX_COLUMNS)


async def get_unit(unit_id: str, *, who: Principal) -> Unit:
    unit = await readable_units(who).rows().get_or_none(id=unit_id)
    if unit is None:
        raise NoSuchUnit(N_("No such unit."))
    return unit


async def _community_ids(who: Principal, codes: set[str]) -> dict[str, str]:
    """code → id of the communities among `codes` in which the caller may add units: those
    they serve, of their district (where the unit is created)."""
    found = served_communities(who).rows().filter(district_id=who.district_id or "")
    return {c.code: c.id for c in await found.filter(code__in=codes)}


async def create_unit(data: UnitIn, *, who: Principal) -> Unit:
    communities = await _community_ids(who, {data.community})
    if data.community not in communities:
        raise UnknownCommunity(
            N_("No community `{code}` among yours."),
            code=data.community,
            errors=[{"field": "community", "message": "not one of your communities"}],
        )
    if await Unit.exists(district_id=who.district_id, code=data.code):
        raise UnitExists(N_("A unit with the code `{code}` exists already."), code=data.code)
    return await Unit.create(
        district_id=who.district_id,
        community_id=communities[data.community],
        created_by=who.subject,
        **data.model_dump(exclude={"community"}),
    )


async def read_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a CSV (UTF-8, with or without BOM) or XLSX file, by header name, each with
    its row number in the file; read off the event loop within IMPORT_LIMITS."""
    table = await imports.read_rows(data, IMPORT_LIMITS)
    _number, first = table[0]
    header = [str(h or "").strip() for h in first]
    header = [CHINESE_COLUMNS.get(h, h) for h in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown or not set(REQUIRED_COLUMNS) <= set(header):
        raise ImportRejected(
            N_("The first row names the columns: {columns} (or in Chinese: {chinese})."),
            columns=", ".join(COLUMNS),
            chinese="、".join(TEMPLATE_HEADER),
            errors=[
                {"field": "header", "message": FieldMessage(UNKNOWN_COLUMN, column=h)}
                for h in unknown
            ],
        )
    rows = [
        (
            number,
            {
                name: cell
                for name, cell in zip(header, cells, strict=False)
                if name and cell is not None and str(cell).strip() != ""
            },
        )
        for number, cells in table[1:]
    ]
    if not rows:
        raise ImportRejected(N_("The file has no rows of units under its header."))
    return rows


async def import_units(data: bytes, *, who: Principal) -> int:
    """Creates every unit of the file, or none: each bad row is reported with its number."""
    rows = await read_rows(data)
    errors: list[dict[str, str]] = []
    parsed: list[tuple[int, UnitIn]] = []
    for number, row in rows:
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
            N_("{count} row(s) are wrong; nothing was imported."),
            count=len({e["field"].split(".")[0] for e in errors}),
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


# --- the import's template ------------------------------------------------------------------

EXAMPLE = {
    "code": "U-0001",
    "name": N_("Example Restaurant"),
    "address": N_("12 Example Road"),
    "responsible_name": N_("Zhang San"),
    "responsible_phone": "0574-12345678",
}


async def import_template(fmt: tabular.Format, *, who: Principal) -> AsyncGenerator[bytes, None]:
    """A file to fill in and import (`kernel.imports.template`): the Chinese header and an
    example row in the district's first community; an XLSX adds what each column takes and
    the valid values (unit types by name, the district's communities)."""
    communities = (
        await served_communities(who)
        .rows()
        .filter(district_id=who.district_id or "")
        .order_by("code")
    )
    example = {
        **{
            k: translate(v) if k not in ("code", "responsible_phone") else v
            for k, v in EXAMPLE.items()
        },
        "type": translate(UNIT_TYPE_NAMES["restaurant"]),
        "community": communities[0].code if communities else "",
    }
    columns = [
        [name, imports.required(column in REQUIRED_COLUMNS), translate(COLUMN_HELP[column])]
        for name, column in zip(TEMPLATE_HEADER, COLUMNS, strict=True)
    ]
    by_column = dict(zip(COLUMNS, TEMPLATE_HEADER, strict=True))
    values = [[by_column["type"], translate(name), ""] for name in UNIT_TYPE_NAMES.values()]
    values += [[by_column["community"], c.code, c.name] for c in communities]
    return imports.template(
        fmt,
        title=translate("Units"),
        header=TEMPLATE_HEADER,
        examples=[[example.get(column, "") for column in COLUMNS]],
        columns=columns,
        values=values,
    )


def template_disposition(fmt: tabular.Format) -> str:
    """The download's file name, in the reader's language (RFC 6266: an ASCII fallback)."""
    name = f"{translate('Units import template')}.{fmt}"
    return tabular.attachment_header(name, f"units-template.{fmt}")


async def create_unit_account(unit: Unit, data: UnitAccountIn) -> tuple[Staff, UnitAccount]:
    """A login for the unit's own staff: they see their unit's record, answer notices and
    submit rectification evidence."""
    if await Staff.exists(username=data.username):
        raise UsernameTaken(N_("The username `{username}` is taken."), username=data.username)
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
        raise WeChatBoundElsewhere(N_("This WeChat account signs in for another login already."))
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
        raise WeChatNotBound(N_("Sign in with the password once and bind WeChat first."))
    return staff
