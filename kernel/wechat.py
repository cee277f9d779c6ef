"""The WeChat API client: exchanging a mini-program login code for the resident's openid,
and a phone-number code (getPhoneNumber) for the number WeChat vouches for. Whatever is not
WeChat's JSON answer (no answer in time, an HTTP error, a gateway's HTML page, errcode -1
"system busy") is WeChat being unavailable: a 503, never a 500 of ours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from kernel.errors import Problem
from kernel.i18n import N_
from kernel.settings import get_settings


class WeChatLoginFailed(Problem):
    status, code, title = 401, "wechat_login_failed", N_("WeChat login failed")


class WeChatUnavailable(Problem):
    status, code, title = 503, "wechat_unavailable", N_("WeChat cannot be reached")


class WeChatPhoneRefused(Problem):
    status, code, title = 422, "wechat_phone_refused", N_("WeChat did not give the phone number")


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    unionid: str | None


NO_ANSWER = N_("WeChat did not answer; try again shortly.")
UNEXPECTED = N_("WeChat answered something unexpected; try again shortly.")
# WeChat's "system busy, try again later".
BUSY = -1


async def _ask(method: str, path: str, **options: Any) -> tuple[dict[str, Any], int]:
    """WeChat's JSON answer and its errcode (0: none), or WeChatUnavailable."""
    settings = get_settings()
    try:
        async with httpx.AsyncClient(
            base_url=settings.wechat_api_base, timeout=settings.wechat_timeout_seconds
        ) as client:
            response = await client.request(method, path, **options)
        # WeChat answers 200 and JSON (sometimes labelled text/plain), errors included.
        data = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        raise WeChatUnavailable(NO_ANSWER) from exc
    if not isinstance(data, dict):
        raise WeChatUnavailable(UNEXPECTED)
    try:
        errcode = int(data.get("errcode") or 0)
    except (TypeError, ValueError) as exc:
        raise WeChatUnavailable(UNEXPECTED) from exc
    if errcode == BUSY:
        raise WeChatUnavailable(NO_ANSWER)
    return data, errcode


async def code_to_session(code: str) -> WeChatSession:
    """`jscode2session`: a login code from wx.login() becomes the resident's openid."""
    settings = get_settings()
    params = {
        "appid": settings.wechat_appid,
        "secret": settings.wechat_secret,
        "js_code": code,
        "grant_type": "authorization_code",
    }
    data, errcode = await _ask("GET", "/sns/jscode2session", params=params)
    if errcode or not data.get("openid"):
        raise WeChatLoginFailed(
            N_("WeChat refused the login code (errcode {errcode}): {errmsg}"),
            errcode=errcode,
            errmsg=str(data.get("errmsg", "")),
        )
    return WeChatSession(openid=str(data["openid"]), unionid=data.get("unionid"))


# errcodes of getuserphonenumber meaning "this access_token is no good": fetch a fresh one.
_TOKEN_ERRCODES = {40001, 40014, 42001}


async def phone_number(code: str) -> str:
    """`wxa/business/getuserphonenumber`: the code the mini-program's getPhoneNumber button
    gave becomes the number WeChat vouches for (digits only, no country code). The code and
    the number are never logged."""
    settings = get_settings()
    token = await _access_token()
    for attempt in range(2):
        data, errcode = await _ask(
            "POST",
            "/wxa/business/getuserphonenumber",
            params={"access_token": token},
            json={"code": code},
        )
        if errcode in _TOKEN_ERRCODES and attempt == 0:
            token = await _access_token(rejected=token)
            continue
        info = data.get("phone_info")
        if errcode or not isinstance(info, dict):
            raise WeChatPhoneRefused(
                N_("WeChat refused the phone-number code (errcode {errcode})."), errcode=errcode
            )
        stamp = info.get("watermark")
        if isinstance(stamp, dict) and stamp.get("appid") not in (None, settings.wechat_appid):
            raise WeChatPhoneRefused(N_("WeChat gave a phone number for another mini-program."))
        number = str(info.get("purePhoneNumber") or "")
        if not number.isdigit() or not 5 <= len(number) <= 15:
            raise WeChatPhoneRefused(N_("WeChat gave no usable phone number."))
        return number
    raise WeChatUnavailable(NO_ANSWER)


async def _access_token(*, rejected: str | None = None) -> str:
    """The mini-program's access_token; WeChat failing to give one is WeChat unavailable."""
    from kernel.wechat_messages import WeChatError, access_token

    try:
        return await access_token(rejected=rejected)
    except WeChatError as exc:
        raise WeChatUnavailable(NO_ANSWER) from exc


async def login_session(code: str) -> WeChatSession:
    """The WeChat session a login code stands for: WeChat's answer or, in development before
    WeChat is set up, the openid a `dev-` code names."""
    settings = get_settings()
    if settings.dev_wechat_login and code.startswith("dev-"):
        return WeChatSession(openid=code.removeprefix("dev-"), unionid=None)
    if not settings.wechat_appid:
        raise WeChatLoginFailed(N_("WeChat login is not set up here; use a `dev-` code."))
    return await code_to_session(code)
