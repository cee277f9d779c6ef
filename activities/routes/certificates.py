"""Endpoints for certificates of service and their public check (`activities.certificates`)."""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from activities import certificates, scope
from activities.errors import (
    CertificateQuotaReached,
    CertificateRevoked,
    NoServiceRecords,
    RealNameNotVerified,
)
from activities.models import Certificate
from activities.schemas.certificates import CertificateOut, RevokeCertificateIn, VerificationOut
from kernel.auth import Principal
from kernel.http import Api, Page, PageQuery, paginate

api = Api("activities")


# --- certificates --------------------------------------------------------------------------


@api.post(
    "/api/v1/me/certificates",
    roles=("resident",),
    response=CertificateOut,
    status=201,
    errors=(
        CertificateQuotaReached,
        NoServiceRecords,
        RealNameNotVerified,
    ),
)
async def request_certificate(who: Principal) -> CertificateOut:
    """Issues a certificate of service (志愿服务证明) for the resident's verified hours."""
    return _certificate_out(await certificates.issue_certificate(who=who))


def _certificate_out(certificate: Certificate) -> CertificateOut:
    return CertificateOut.of(
        certificate,
        verify_url=certificates.verify_url(certificate.number),
        pdf_url=certificates.pdf_url(certificate.number),
    )


@api.get(
    "/api/v1/me/certificates",
    roles=("resident",),
    query=PageQuery,
    response=Page[CertificateOut],
)
async def my_certificates(who: Principal, query: PageQuery) -> dict[str, Any]:
    """The certificates of service issued to the resident, newest first."""
    page = await paginate(scope.own_certificates(who).rows(), query)
    page["items"] = [_certificate_out(c) for c in page["items"]]
    return page


@api.get("/api/v1/me/certificates/{number}/pdf", roles=("resident",), media_type="application/pdf")
async def certificate_pdf(who: Principal, number: str) -> Response:
    """The certificate as a PDF."""
    pdf = await certificates.certificate_pdf(number, who=who)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{number}.pdf"'},
    )


@api.get("/verify/{number}", auth=False, response=VerificationOut)
async def verify_certificate(request: Request, number: str) -> VerificationOut | Response:
    """Public check of a certificate: valid or not, masked holder, hours, issuer; nothing more.
    Browsers (Accept: text/html) get a page, other clients JSON."""
    certificate = await certificates.check_certificate(number)
    found = VerificationOut.of(number, certificate)
    if "text/html" not in request.headers.get("accept", ""):
        return found
    return HTMLResponse(_verification_page(found))


def _verification_page(found: VerificationOut) -> str:
    number = html.escape(found.number)
    if found.revoked:
        body = (
            "<h1>该志愿服务证明已撤销</h1><dl>"
            f"<dt>证明编号</dt><dd>{number}</dd>"
            f"<dt>持证人</dt><dd>{html.escape(found.holder or '')}</dd>"
            f"<dt>撤销日期</dt><dd>{found.revoked_on}</dd>"
            f"<dt>撤销原因</dt><dd>{html.escape(found.revoke_reason or '')}</dd></dl>"
        )
    elif not found.valid:
        body = f"<h1>未找到有效证明</h1><p>编号 {number} 不是本平台出具的有效志愿服务证明。</p>"
    else:
        body = (
            "<h1>志愿服务证明有效</h1><dl>"
            f"<dt>证明编号</dt><dd>{number}</dd>"
            f"<dt>持证人</dt><dd>{html.escape(found.holder or '')}</dd>"
            f"<dt>服务时长</dt><dd>{found.hours} 小时</dd>"
            f"<dt>出具单位</dt><dd>{html.escape(found.issuer or '')}</dd>"
            f"<dt>出具日期</dt><dd>{found.issued_at}</dd></dl>"
        )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>志愿服务证明核验</title></head>"
        '<body style="font-family:sans-serif;max-width:32rem;margin:2rem auto">'
        f"{body}</body></html>"
    )


@api.post(
    "/api/v1/certificates/{number}/revoke",
    roles=("district_admin", "platform_admin"),
    body=RevokeCertificateIn,
    response=VerificationOut,
    errors=(CertificateRevoked,),
)
async def revoke_certificate(
    who: Principal, number: str, body: RevokeCertificateIn
) -> VerificationOut:
    """Revokes a certificate of the district with a reason; `/verify` then says so."""
    certificate = await certificates.revoke_certificate(number, body.reason, by=who)
    return VerificationOut.of(certificate.number, certificate)
