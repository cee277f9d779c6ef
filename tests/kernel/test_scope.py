"""The scope primitive: a condition renders SQL for a table alias whose value names cannot
clash, and a statement takes it in a slot; the kernel refuses two fragments naming a value
alike."""

from __future__ import annotations

import pytest

from kernel.scope import ALWAYS, NEVER, eq, is_null, one_of
from kernel.sql import Fragment, query_rows, statement


def test_a_condition_names_its_values_by_its_alias():
    condition = eq("district_id", "d1") & (one_of("community_id", ["c1", "c2"]) | is_null("x"))
    first, second = condition.sql("a"), condition.sql("b")
    assert first.text == (
        "(a.district_id = :scope_a_0 AND "
        "(a.community_id IN (:scope_a_1, :scope_a_2) OR a.x IS NULL))"
    )
    assert dict(first.values) == {"scope_a_0": "d1", "scope_a_1": "c1", "scope_a_2": "c2"}
    assert not first.values.keys() & second.values.keys()


def test_nothing_and_everything_simplify():
    assert one_of("community_id", []) is NEVER
    assert (eq("a", 1) & NEVER) is NEVER
    assert (eq("a", 1) | ALWAYS) is ALWAYS
    assert (NEVER | eq("a", 1)).sql("t").text == "t.a = :scope_t_0"
    assert NEVER.sql("t").text == "1 = 0" and ALWAYS.sql("t").text == "1 = 1"
    assert ~ALWAYS is NEVER


async def test_a_statement_takes_fragments_in_its_slots(app):
    rows = await query_rows(
        "SELECT 1 AS n FROM district d WHERE d.code = :code AND {seen} AND {more}",
        {"code": "none"},
        seen=eq("id", "x").sql("d"),
        more="1 = 1",
    )
    assert rows == []


async def test_two_fragments_naming_a_value_alike_are_refused(app):
    with pytest.raises(ValueError):
        statement("SELECT {a} AND {b}", {}, a=eq("id", 1).sql("t"), b=eq("id", 2).sql("t"))
    with pytest.raises(ValueError):
        statement("SELECT {a}", {"scope_t_0": 1}, a=eq("id", 1).sql("t"))
    with pytest.raises(TypeError):
        statement("SELECT {a}", [], a=Fragment("x = :y", {"y": 1}))
