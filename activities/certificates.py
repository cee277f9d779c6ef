"""Certificates of service (志愿服务证明): a unique number, a PDF with a QR code to the
public check page, and that page's answer."""

from __future__ import annotations

import asyncio
import io
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from accounts.models import District, Resident
from accounts.residents import mask_name
from activities.checkin import qr_png
from activities.errors import (
    CertificateQuotaReached,
    CertificateRevoked,
    NoServiceRecords,
    RealNameNotVerified,
)
from activities.models import Certificate, ServiceRecord
from activities.notices import tell_certificate_revoked
from activities.scope import managed_certificate, own_certificates
from kernel.auth import Principal
from kernel.errors import NotFound
from kernel.i18n import N_
from kernel.keys import get_keyring
from kernel.localtime import local_date
from kernel.settings import get_settings
from kernel.storage import get_storage

FONT = Path(__file__).parent / "fonts" / "wqy-microhei-gb2312.ttf"
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LISTED_RECORDS = 25


def verify_url(number: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/verify/{number}"


def pdf_url(number: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/api/v1/me/certificates/{number}/pdf"


def _new_number(at: datetime) -> str:
    tail = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(10))
    return f"ZYFW-{at:%Y}-{tail}"


def holder_of(resident: Resident) -> str:
    """The masked name shown on a certificate: the real name when verified, else the nickname."""
    if resident.real_name_masked:
        return resident.real_name_masked
    return mask_name(resident.nickname or "居民")


def render_pdf(certificate: Certificate, records: list[ServiceRecord], holder: str) -> bytes:
    # Imported here: fpdf2 and its font tools take a second and a half to import, paid by
    # every worker at its start, for a document few requests ask for.
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_title(f"志愿服务证明 {certificate.number}")
    pdf.add_font("cjk", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("cjk", size=22)
    pdf.cell(0, 16, "志愿服务证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 8, f"证明编号：{certificate.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", size=12)
    issued_on = local_date(certificate.issued_at)
    pdf.multi_cell(
        0,
        8,
        f"兹证明志愿者 {holder} 经本平台记录，累计参加志愿服务 "
        f"{certificate.record_count} 次，志愿服务时长共计 {certificate.hours} 小时"
        "（不含往返交通时间）。",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font("cjk", size=10)
    widths = (28, 80, 56, 22)
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="", fill_color=(235, 235, 235)),
    ) as table:
        table.row(["服务日期", "服务内容", "组织单位", "时长(小时)"])
        for record in records[:LISTED_RECORDS]:
            table.row([str(record.served_on), record.content, record.organiser, str(record.hours)])
    if len(records) > LISTED_RECORDS:
        pdf.cell(
            0,
            8,
            f"另有 {len(records) - LISTED_RECORDS} 条记录，详见平台。",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(6)
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, f"出具单位：{certificate.issuer}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"出具日期：{issued_on:%Y年%m月%d日}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(
        0,
        6,
        "本证明依据《志愿服务记录与证明出具办法》免费出具。扫描下方二维码或访问下列网址"
        f"核验真伪：{verify_url(certificate.number)}",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.image(io.BytesIO(qr_png(verify_url(certificate.number))), x=150, y=pdf.get_y() + 2, w=40)
    return bytes(pdf.output())


async def issue_certificate(*, who: Principal) -> Certificate:
    """Certifies the resident's verified hours as they stand; reversed records do not count."""
    resident = await Resident.get(id=who.id)
    if resident.real_name_verified_at is None or resident.real_name_cipher is None:
        raise RealNameNotVerified(
            N_(
                "Certificates of service are issued under a verified real name: show your ID "
                "card to a community worker first."
            )
        )
    quota = get_settings().certificates_per_day
    since = datetime.now(UTC) - timedelta(days=1)
    if await Certificate.filter(resident_id=resident.id, issued_at__gte=since).count() >= quota:
        raise CertificateQuotaReached(
            N_("At most {quota} certificates a day; the ones issued today are in your list."),
            quota=quota,
            retry_after=3600,
        )
    records = await ServiceRecord.filter(resident_id=resident.id).order_by("served_on", "id")
    reversed_ids = {r.reverses_id for r in records if r.kind == "reversal" and r.reverses_id}
    standing = [r for r in records if r.kind == "record" and r.id not in reversed_ids]
    if not standing:
        raise NoServiceRecords(N_("You have no verified service yet."))
    district_id = resident.district_id or standing[0].district_id
    district = await District.get(id=district_id)
    now = datetime.now(UTC)
    number = _new_number(now)  # 50 random bits: a collision is not a practical concern
    certificate = await Certificate.create(
        number=number,
        district_id=district.id,
        resident_id=resident.id,
        holder_masked=holder_of(resident),
        hours=sum((r.hours for r in standing), Decimal(0)),
        record_count=len(standing),
        issuer=f"{district.name}志愿服务记录单位",
        storage_key=f"certificates/{number}.pdf",
        issued_at=now,
    )
    real_name = get_keyring().decrypt(resident.real_name_cipher)
    pdf = await asyncio.to_thread(render_pdf, certificate, standing, real_name)
    await get_storage().put(certificate.storage_key, pdf)
    return certificate


async def certificate_pdf(number: str, *, who: Principal) -> bytes:
    certificate = await own_certificates(who).rows().get_or_none(number=number)
    if certificate is None:
        raise NotFound(N_("No such certificate of yours."))
    return await get_storage().get(certificate.storage_key)


async def check_certificate(number: str) -> Certificate | None:
    return await Certificate.get_or_none(number=number)


async def revoke_certificate(number: str, reason: str, *, by: Principal) -> Certificate:
    """Revokes a certificate (wrongly issued, records reversed since): kept, and `/verify`
    says it was revoked, when and why."""
    certificate = await managed_certificate(number, who=by)
    moved = await Certificate.filter(id=certificate.id, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC), revoked_by=by.subject, revoke_reason=reason
    )
    if not moved:
        raise CertificateRevoked(N_("The certificate was revoked already."))
    revoked = await Certificate.get(id=certificate.id)
    await tell_certificate_revoked(revoked)
    return revoked
