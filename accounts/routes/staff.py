"""Staff accounts, managed by platform and district administrators."""

from __future__ import annotations

from typing import Any

from accounts import scope, staff
from accounts.errors import CannotDisableSelf, InvalidStaffScope, NoSuchStaff, UsernameTaken
from accounts.models import Staff
from accounts.schemas import PasswordResetIn, StaffCreate, StaffOut, StaffQuery
from kernel.auth import Principal
from kernel.http import Api, Page, paginate

api = Api("accounts")


async def _staff_out(account: Staff) -> StaffOut:
    scopes = await staff.scopes_of([account])
    return StaffOut.of(account, scopes[account.id])


@api.post(
    "/api/v1/staff",
    roles=("platform_admin", "district_admin"),
    body=StaffCreate,
    response=StaffOut,
    status=201,
    errors=(InvalidStaffScope, UsernameTaken),
)
async def create_staff(who: Principal, body: StaffCreate) -> StaffOut:
    """Creates a worker or an administrator; district admins only within their district."""
    return await _staff_out(await staff.create_staff(body, by=who))


_STAFF_ERRORS = (NoSuchStaff, CannotDisableSelf)


@api.get(
    "/api/v1/staff",
    roles=("platform_admin", "district_admin"),
    query=StaffQuery,
    response=Page[StaffOut],
)
async def list_staff(who: Principal, query: StaffQuery) -> dict[str, Any]:
    """The staff the caller manages (a district admin: their district's), with whether each
    account is disabled."""
    page = await paginate(scope.managed_staff_list(who, role=query.role).rows(), query)
    scopes = await staff.scopes_of(page["items"])
    page["items"] = [StaffOut.of(s, scopes[s.id]) for s in page["items"]]
    return page


@api.post(
    "/api/v1/staff/{staff_id}/disable",
    roles=("platform_admin", "district_admin"),
    response=StaffOut,
    errors=_STAFF_ERRORS,
)
async def disable_staff(who: Principal, staff_id: str) -> StaffOut:
    """Disables an account: its logins end and its tokens stop working at once."""
    return await _staff_out(await staff.disable_staff(staff_id, by=who))


@api.post(
    "/api/v1/staff/{staff_id}/enable",
    roles=("platform_admin", "district_admin"),
    response=StaffOut,
    errors=_STAFF_ERRORS,
)
async def enable_staff(who: Principal, staff_id: str) -> StaffOut:
    """Lets a disabled account log in again (with a new login; old tokens stay ended)."""
    return await _staff_out(await staff.enable_staff(staff_id, by=who))


@api.post(
    "/api/v1/staff/{staff_id}/password",
    roles=("platform_admin", "district_admin"),
    body=PasswordResetIn,
    response=StaffOut,
    errors=_STAFF_ERRORS,
)
async def reset_staff_password(who: Principal, staff_id: str, body: PasswordResetIn) -> StaffOut:
    """Gives an account a new password; its current logins end."""
    return await _staff_out(await staff.reset_staff_password(staff_id, body.password, by=who))
