"""The identity service client (二要素核验): asks a configured service whether an ID number
belongs to a name. Neither is ever logged; only the answer's kind leaves this module."""

from __future__ import annotations

from typing import Literal

import httpx

from kernel.errors import Conflict, Problem
from kernel.i18n import N_
from kernel.settings import get_settings


class IdentityServiceNotConfigured(Conflict):
    code, title = (
        "identity_service_not_configured",
        N_("No identity service is configured here"),
    )


class IdentityServiceUnavailable(Problem):
    status, code, title = (
        503,
        "identity_service_unavailable",
        N_("The identity service cannot be reached"),
    )


def ensure_identity_service() -> None:
    if not get_settings().identity_service_url:
        raise IdentityServiceNotConfigured(
            N_("Real names are verified in person here: show your ID card to a community worker.")
        )


async def check_identity(name: str, id_number: str) -> Literal["match", "no_match"]:
    """`match` when the service says the number belongs to the name, `no_match` when it says
    it does not; `IdentityServiceUnavailable` for anything else (no answer in time, an error
    status, an answer that is neither)."""
    ensure_identity_service()
    settings = get_settings()
    headers = {"Accept": "application/json"}
    if settings.identity_service_token:
        headers["Authorization"] = f"Bearer {settings.identity_service_token}"
    try:
        async with httpx.AsyncClient(
            timeout=settings.identity_service_timeout_seconds, follow_redirects=False
        ) as client:
            response = await client.post(
                settings.identity_service_url,
                json={"name": name, "id_number": id_number},
                headers=headers,
            )
        data = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        raise IdentityServiceUnavailable(
            N_("The identity service did not answer; try again later.")
        ) from exc
    result = data.get("result") if isinstance(data, dict) else None
    if result not in ("match", "no_match"):
        raise IdentityServiceUnavailable(
            N_("The identity service could not check your identity now; try again later.")
        )
    return "match" if result == "match" else "no_match"
