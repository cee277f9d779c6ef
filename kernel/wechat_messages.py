"""WeChat subscribe messages: the outbox sender that delivers notifications to residents, and
the mini-program's access_token, cached in the database so every worker and replica shares one."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from kernel import localtime
from kernel.db import transaction
from kernel.models import Notification
from kernel.settings import Settings, SubscribeTemplate, get_settings

log = logging.getLogger("app.wechat")

# errcodes meaning "this access_token is no good": fetch a fresh one and try once more.
TOKEN_ERRCODES = {40001, 40014, 42001}
# WeChat's length limits per keyword type (characters), values beyond are cut.
KEYWORD_LIMITS = {
    "thing": 20,
    "name": 10,
    "phrase": 5,
    "symbol": 5,
    "character_string": 32,
    "letter": 32,
    "number": 32,
    "amount": 32,
}


class WeChatAccessToken(Model):
    """The access_token of one mini-program, shared by every worker and replica."""

    appid = fields.CharField(max_length=64, primary_key=True)
    access_token = fields.TextField()
    expires_at = fields.DatetimeField()
    refreshed_at = fields.DatetimeField()

    class Meta:
        table = "wechat_access_token"


__models__ = [WeChatAccessToken]


class WeChatError(Exception):
    """WeChat answered with an errcode, or not at all."""

    def __init__(self, message: str, errcode: int | None = None) -> None:
        super().__init__(message)
        self.errcode = errcode


def _client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=settings.wechat_api_base, timeout=settings.wechat_timeout_seconds
    )


async def _call(settings: Settings, path: str, body: dict[str, Any], **params: str) -> Any:
    try:
        async with _client(settings) as client:
            response = await client.post(path, json=body, params=params)
        # WeChat answers 200 and JSON (sometimes labelled text/plain), errors included; a
        # gateway's error page (HTML, a 5xx) is no answer.
        data = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        raise WeChatError(f"WeChat did not answer {path}: {type(exc).__name__}") from exc
    if not isinstance(data, dict):
        raise WeChatError(f"WeChat answered {path} with something unexpected")
    try:
        errcode = int(data.get("errcode") or 0)
    except (TypeError, ValueError) as exc:
        raise WeChatError(f"WeChat answered {path} with an errcode that is no number") from exc
    if errcode:
        raise WeChatError(f"WeChat refused {path}: {errcode} {data.get('errmsg', '')}", errcode)
    return data


async def _fetch_stable_token(settings: Settings, *, force_refresh: bool) -> WeChatAccessToken:
    """`/cgi-bin/stable_token`: while a token is valid WeChat returns the same one to every
    caller, so workers refreshing at once do not invalidate each other's token."""
    data = await _call(
        settings,
        "/cgi-bin/stable_token",
        {
            "grant_type": "client_credential",
            "appid": settings.wechat_appid,
            "secret": settings.wechat_secret,
            "force_refresh": force_refresh,
        },
    )
    now = datetime.now(UTC)
    try:
        lifetime = timedelta(seconds=int(data.get("expires_in", 7200)))
        given = data["access_token"]
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise WeChatError("WeChat answered /cgi-bin/stable_token without a token") from exc
    if not isinstance(given, str) or not given:
        raise WeChatError("WeChat answered /cgi-bin/stable_token without a token")
    token = WeChatAccessToken(
        appid=settings.wechat_appid,
        access_token=given,
        expires_at=now + lifetime,
        refreshed_at=now,
    )
    changes = {
        "access_token": token.access_token,
        "expires_at": token.expires_at,
        "refreshed_at": now,
    }
    if not await WeChatAccessToken.filter(appid=token.appid).update(**changes):
        try:
            async with transaction():
                await token.save(force_create=True)
        except IntegrityError:
            await WeChatAccessToken.filter(appid=token.appid).update(**changes)
    return token


async def access_token(*, rejected: str | None = None) -> str:
    """The cached access_token, refreshed shortly before it expires.

    `rejected` is a token WeChat just refused: unless another worker has replaced it already,
    a new one is forced."""
    settings = get_settings()
    cached = await WeChatAccessToken.get_or_none(appid=settings.wechat_appid)
    margin = timedelta(seconds=settings.wechat_token_refresh_margin_seconds)
    fresh = cached is not None and cached.expires_at - margin > datetime.now(UTC)
    if cached is not None and fresh and cached.access_token != rejected:
        return cached.access_token
    token = await _fetch_stable_token(settings, force_refresh=rejected is not None)
    log.info("wechat access_token refreshed", extra={"expires_at": token.expires_at.isoformat()})
    return token.access_token


def _keyword_value(keyword: str, value: Any, zone: ZoneInfo) -> str:
    text = "" if value is None else str(value)
    kind = keyword.rstrip("0123456789")
    if kind in ("time", "date") and text:
        try:
            moment = datetime.fromisoformat(text).astimezone(zone)
        except ValueError:
            return text
        return moment.strftime("%Y年%m月%d日" if kind == "date" else "%Y年%m月%d日 %H:%M")
    limit = KEYWORD_LIMITS.get(kind)
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def message_body(
    template: SubscribeTemplate, openid: str, payload: dict[str, Any], settings: Settings
) -> dict[str, Any]:
    """The body of `/cgi-bin/message/subscribe/send` for one notification."""
    zone = localtime.zone()
    body: dict[str, Any] = {
        "touser": openid,
        "template_id": template.template_id,
        "data": {
            keyword: {"value": _keyword_value(keyword, payload.get(key), zone)}
            for keyword, key in template.fields.items()
        },
        "miniprogram_state": settings.wechat_miniprogram_state,
        "lang": "zh_CN",
    }
    if template.page:
        body["page"] = template.page
    return body


OpenidLookup = Callable[[str], Awaitable[str | None]]


class SubscribeMessageSender:
    """Sends residents' notifications as subscribe messages; without WeChat credentials, or for
    a topic with no template, or for staff, the notification is only logged."""

    def __init__(self, openid_of: OpenidLookup) -> None:
        self._openid_of = openid_of

    async def send(self, notification: Notification) -> None:
        settings = get_settings()
        template = settings.wechat_subscribe_templates.get(notification.topic)
        if (
            template is None
            or not settings.wechat_appid
            or notification.recipient_kind != "resident"
        ):
            log.info(
                "notification not sent to WeChat",
                extra={"topic": notification.topic, "recipient": notification.recipient_id},
            )
            return
        openid = await self._openid_of(notification.recipient_id)
        if openid is None:
            raise WeChatError(f"resident {notification.recipient_id} has no openid")
        body = message_body(template, openid, notification.payload, settings)
        token = await access_token()
        try:
            await _call(settings, "/cgi-bin/message/subscribe/send", body, access_token=token)
        except WeChatError as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
            token = await access_token(rejected=token)
            await _call(settings, "/cgi-bin/message/subscribe/send", body, access_token=token)
