"""The schema stays distributable by district (docs/scaling.md): every table is placed, every
district-owned table carries `district_id`, and every unique key of a district-owned table
includes it, so a distributed engine (Citus, distribution column `district_id`) can enforce it
on one shard. The few global keys that cannot are listed with how they are kept."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise

# Distributed by district_id: a district's rows live together on one node.
DISTRICT_OWNED = {
    "activity", "attendance", "badge_award", "badge_candidate", "certificate", "correction",
    "deed", "enrollment", "honour_roll", "honour_roll_entry", "household", "ledger_account",
    "ledger_block", "ledger_entry", "ledger_sealed_transaction", "ledger_transaction",
    "redemption", "resident", "resident_total", "reward", "service_record", "upload",
    "reward_change", "event_filing", "console_export_log",
    "console_dashboard_day", "console_dashboard_first", "console_dashboard_rollup",
    "oversight_unit", "oversight_photo", "oversight_problem_report", "oversight_inspection",
    "oversight_inspection_result", "oversight_notice", "oversight_rectification_task",
    "oversight_task_step", "oversight_unit_score", "oversight_unit_list", "oversight_list_entry",
    "oversight_list_entry_removal", "oversight_list_publication", "oversight_objection",
    "oversight_credit_repair",
    "household_membership", "household_share",
    "assessment", "assessment_mark", "assessment_objection", "assessment_review",
    "partner_bank", "partner_consent", "partner_attestation", "partner_query",
    "green_card", "green_card_scan", "green_card_star", "green_card_merchant",
    "campaign_day", "campaign_event", "campaign_event_zone", "campaign_event_checkin",
    "campaign_participant", "campaign_quiz_completion", "campaign_tag",
    "quiz_question", "quiz_question_version", "quiz_special", "quiz_attempt", "quiz_answer",
}  # fmt: skip
# Small catalogues copied to every node (Citus reference tables): joined with anything.
REFERENCE = {
    "district", "community", "civility_action", "badge_definition", "district_rules_version",
    "staff", "staff_community", "oversight_rules_version", "oversight_checklist",
    "oversight_checklist_item", "oversight_unit_account",
    "assessment_standard", "campaign",
}  # fmt: skip
# Kept on the coordinator only: sessions, operations, the outbox; never joined with shards.
COORDINATOR = {
    "refresh_token", "login_failure", "idempotency_record", "job_run", "notification",
    "wechat_access_token", "console_session", "console_checkin_screen",
    "console_dashboard_snapshot", "real_name_check",
    "partner_credential", "green_card_miss", "request_count",
}  # fmt: skip

# Unique keys of district-owned tables without district_id, today. Each is either implied
# by a wider key (the parent row lives in one district, so adding district_id changes nothing:
# the Citus migration widens it) or global on purpose (kept by a coordinator table).
# A new entry here needs its line in docs/scaling.md.
KNOWN_GLOBAL_KEYS = {
    # Widened to (district_id, …) on Citus; the parent row fixes the district.
    ("attendance", ("activity_id", "resident_id")),
    ("enrollment", ("activity_id", "resident_id")),
    ("honour_roll_entry", ("roll_id", "board", "rank")),
    ("ledger_sealed_transaction", ("transaction_id",)),
    ("ledger_transaction", ("reverses_id",)),
    ("ledger_transaction", ("ref_type", "ref_id", "kind")),
    ("service_record", ("attendance_id",)),
    ("service_record", ("reverses_id",)),
    ("oversight_inspection_result", ("inspection_id", "item_id")),
    ("oversight_list_entry", ("list_id", "unit_id")),
    ("oversight_list_entry_removal", ("entry_id",)),
    ("oversight_unit_score", ("unit_id", "period")),
    ("assessment", ("household_id", "period")),
    ("assessment_mark", ("assessment_id", "by_household_id")),
    ("green_card_star", ("household_id", "period")),
    ("campaign_day", ("campaign_id", "community_id", "day")),
    ("campaign_event_checkin", ("event_id", "resident_id")),
    ("campaign_participant", ("campaign_id", "resident_id")),
    ("campaign_quiz_completion", ("attempt_id",)),
    ("campaign_tag", ("campaign_id", "activity_id")),
    ("campaign_tag", ("campaign_id", "deed_id")),
    ("quiz_answer", ("attempt_id", "position")),
    ("quiz_attempt", ("resident_id", "slot")),
    ("quiz_question_version", ("question_id", "number")),
    # Global on purpose: a coordinator table `global_key(kind, value)` takes the claim first.
    ("resident", ("openid",)),
    ("resident", ("id_number_hash",)),
    ("badge_award", ("resident_id", "badge_id")),
    ("badge_award", ("public_id",)),
    ("certificate", ("number",)),
    ("redemption", ("code",)),
    ("green_card", ("code_hash",)),
    ("partner_attestation", ("public_id",)),
}


def _tables() -> dict[str, Any]:
    return {model._meta.db_table: model for model in Tortoise.apps["models"].values()}


def _unique_keys(model: Any) -> set[tuple[str, ...]]:
    """Unique keys other than the primary key, by column names."""
    meta = model._meta
    keys: set[tuple[str, ...]] = set()
    for name, field in meta.fields_map.items():
        if getattr(field, "unique", False) and not field.pk and name in meta.fields_db_projection:
            keys.add((meta.fields_db_projection[name],))
    for together in meta.unique_together:
        keys.add(tuple(meta.fields_db_projection.get(f, f) for f in together))
    return keys


async def test_every_table_is_placed_for_distribution_by_district(app):
    tables = set(_tables())
    placed = DISTRICT_OWNED | REFERENCE | COORDINATOR
    assert tables - placed == set(), "place the new table in docs/scaling.md and here"
    assert placed - tables == set(), "a placed table no longer exists"


async def test_district_owned_tables_carry_district_id(app):
    missing = {
        table
        for table, model in _tables().items()
        if table in DISTRICT_OWNED
        and "district_id" not in model._meta.fields_db_projection.values()
    }
    assert missing == set()


async def test_unique_keys_of_district_owned_tables_are_enforceable_per_district(app):
    global_keys = {
        (table, key)
        for table, model in _tables().items()
        if table in DISTRICT_OWNED
        for key in _unique_keys(model)
        if "district_id" not in key
    }
    assert global_keys - KNOWN_GLOBAL_KEYS == set(), (
        "a unique key without district_id cannot be enforced by a shard: include district_id"
    )
    assert KNOWN_GLOBAL_KEYS - global_keys == set(), "a listed key is gone: drop it from the list"


async def test_primary_keys_of_district_owned_tables_are_generated_ids(app):
    """Citus needs the distribution column in the primary key: (district_id, id) replaces id,
    which stays unique because ids are generated (ULIDs or a sequence), never chosen."""
    chosen = {
        table
        for table, model in _tables().items()
        if table in DISTRICT_OWNED and model._meta.pk_attr != "id"
    }
    assert chosen == set()
