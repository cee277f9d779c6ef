"""What the oversight endpoints share: their Api, the roles they admit, and reading the one file
of a multipart form."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from kernel.auth import Role
from kernel.errors import BadRequest, Invalid, UnsupportedMediaType
from kernel.http import Api
from kernel.i18n import _
from kernel.settings import get_settings

api = Api("oversight")

STAFF: tuple[Role, ...] = ("worker", "district_admin", "platform_admin")
TRIAGE: tuple[Role, ...] = ("worker", "district_admin")
DISTRICT: tuple[Role, ...] = ("district_admin",)
UNIT: tuple[Role, ...] = ("unit_staff",)
EVERYONE: tuple[Role, ...] = (*STAFF, "unit_staff", "evaluator", "resident")


async def upload_file(request: Request) -> bytes:
    """The one file of a multipart form, field `file`."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType(_("Send the file as multipart/form-data, field `file`."))
    try:
        async with request.form(max_files=1, max_fields=5) as form:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise Invalid(
                    _("The form has no file."),
                    errors=[{"field": "file", "message": _("a file is required")}],
                )
            return await file.read(get_settings().max_upload_bytes + 1)
    except MultiPartException as exc:
        raise BadRequest(f"The multipart body is not valid: {exc.message}") from exc
