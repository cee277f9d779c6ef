"""How each civility action is verified, as data: the rule an action carries decides which
ways of recording it the deed endpoints accept.

- `self_report_with_evidence`: a resident reports it with at least one photo (a worker may
  also attest it);
- `self_report`: a resident reports it, evidence optional (or a worker attests it);
- `attestation_only`: only a worker's attestation records it;
- `event_filing`: filed before the event, confirmed by a worker afterwards;
- `check_in_only`: only checking in at an activity records it (with hours)."""

from __future__ import annotations

from typing import Literal

from activities.errors import AttestationOnly, CheckInOnly, EventFilingOnly, EvidenceRequired
from activities.models import CivilityAction
from kernel.i18n import N_, translate

Rule = Literal[
    "self_report_with_evidence", "self_report", "attestation_only", "event_filing", "check_in_only"
]
RULES: tuple[Rule, ...] = (
    "self_report_with_evidence",
    "self_report",
    "attestation_only",
    "event_filing",
    "check_in_only",
)

RULE_TEXTS: dict[str, str] = {
    "self_report_with_evidence": N_("Report it with a photo; a worker reviews it."),
    "self_report": N_("Report it yourself, or a worker records it."),
    "attestation_only": N_("Only a community worker can record it."),
    "event_filing": N_("File it before the event; a worker confirms it afterwards."),
    "check_in_only": N_("Join an activity and check in on site; the hours count."),
}


def rule_of(action: CivilityAction) -> str:
    rule = action.verification_rule
    return rule if rule is not None and rule in RULE_TEXTS else "self_report"


def verification_text(action: CivilityAction) -> str:
    """What residents read about verifying the action, in their language."""
    if action.district_id is not None and action.verification:
        return action.verification  # a district's own wording for its own action
    return translate(RULE_TEXTS[rule_of(action)])


def ensure_reportable(action: CivilityAction, *, evidence: list[str]) -> None:
    """A resident's own report: refused for the rules that do not take one."""
    rule = rule_of(action)
    if rule == "check_in_only":
        raise CheckInOnly(
            N_("“{action}” counts through activities: enrol and check in on site."),
            action=action.name,
        )
    if rule == "attestation_only":
        raise AttestationOnly(
            N_("“{action}” is recorded by a community worker, not reported."), action=action.name
        )
    if rule == "event_filing":
        raise EventFilingOnly(
            N_("“{action}” is filed before the event (POST /api/v1/filings)."), action=action.name
        )
    if rule == "self_report_with_evidence" and not evidence:
        raise EvidenceRequired(
            N_("“{action}” needs at least one photo as evidence."),
            action=action.name,
            errors=[{"field": "evidence", "message": N_("at least one photo")}],
        )


def ensure_attestable(action: CivilityAction) -> None:
    """A worker's attestation: refused for check-in-only actions and filed events."""
    rule = rule_of(action)
    if rule == "check_in_only":
        raise CheckInOnly(
            N_("“{action}” counts through activities: enrol and check in on site."),
            action=action.name,
        )
    if rule == "event_filing":
        raise EventFilingOnly(
            N_("“{action}” is confirmed on its filing, not attested."), action=action.name
        )
