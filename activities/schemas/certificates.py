"""Request and response models of certificates of service and their verification."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from activities.models import Certificate
from kernel.http import Answer, JsonDecimal, Schema
from kernel.localtime import local_date


class CertificateOut(Answer):
    number: str
    verify_url: str
    pdf_url: str
    hours: JsonDecimal
    issued_at: datetime

    @classmethod
    def of(cls, certificate: Certificate, *, verify_url: str, pdf_url: str) -> CertificateOut:
        return cls.from_model(certificate, verify_url=verify_url, pdf_url=pdf_url)


class VerificationOut(Answer):
    number: str
    valid: bool
    holder: str | None = None
    hours: JsonDecimal | None = None
    issuer: str | None = None
    issued_at: date | None = None
    revoked: bool = Field(default=False, description="the certificate was revoked")
    revoked_on: date | None = None
    revoke_reason: str | None = None

    @classmethod
    def of(cls, number: str, certificate: Certificate | None) -> VerificationOut:
        """What anyone may learn of a certificate number: not valid when none has it."""
        if certificate is None:
            return cls(number=number, valid=False)
        return cls(
            number=number,
            valid=certificate.revoked_at is None,
            holder=certificate.holder_masked,
            hours=certificate.hours,
            issuer=certificate.issuer,
            issued_at=local_date(certificate.issued_at),
            revoked=certificate.revoked_at is not None,
            revoked_on=local_date(certificate.revoked_at) if certificate.revoked_at else None,
            revoke_reason=certificate.revoke_reason,
        )


class RevokeCertificateIn(Schema):
    reason: Annotated[str, StringConstraints(min_length=2, max_length=500)]
