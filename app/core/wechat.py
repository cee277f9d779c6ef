"""The WeChat API client: exchanging a mini-program login code for the resident's openid."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from app.core.errors import Problem
from app.core.i18n import N_
from app.core.settings import get_settings


class WeChatLoginFailed(Problem):
    status, code, title = 401, "wechat_login_failed", N_("WeChat login failed")


class WeChatUnavailable(Problem):
    status, code, title = 503, "wechat_unavailable", N_("WeChat cannot be reached")


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    unionid: str | None


async def code_to_session(code: str) -> WeChatSession:
    """`jscode2session`: a login code from wx.login() becomes the resident's openid."""
    settings = get_settings()
    params = {
        "appid": settings.wechat_appid,
        "secret": settings.wechat_secret,
        "js_code": code,
        "grant_type": "authorization_code",
    }
    try:
        async with httpx.AsyncClient(
            base_url=settings.wechat_api_base, timeout=settings.wechat_timeout_seconds
        ) as client:
            response = await client.get("/sns/jscode2session", params=params)
        data = response.json()  # WeChat answers JSON, sometimes labelled text/plain
    except (httpx.HTTPError, ValueError) as exc:
        raise WeChatUnavailable(N_("WeChat did not answer; try again shortly.")) from exc
    if not isinstance(data, dict):
        raise WeChatUnavailable(N_("WeChat answered something unexpected; try again shortly."))
    errcode = data.get("errcode", 0)
    if errcode or not data.get("openid"):
        raise WeChatLoginFailed(
            N_("WeChat refused the login code (errcode {errcode}): {errmsg}"),
            errcode=errcode,
            errmsg=str(data.get("errmsg", "")),
        )
    return WeChatSession(openid=str(data["openid"]), unionid=data.get("unionid"))


async def login_session(code: str) -> WeChatSession:
    """The WeChat session a login code stands for: WeChat's answer or, in development before
    WeChat is set up, the openid a `dev-` code names."""
    settings = get_settings()
    if settings.dev_wechat_login and code.startswith("dev-"):
        return WeChatSession(openid=code.removeprefix("dev-"), unionid=None)
    if not settings.wechat_appid:
        raise WeChatLoginFailed(N_("WeChat login is not set up here; use a `dev-` code."))
    return await code_to_session(code)
