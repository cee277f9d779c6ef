"""Which rows a caller may see, written once for the ORM and for SQL: a `Condition` on one
table renders a tortoise `Q` and a predicate for a table alias with its own named values, and a
`Scope` is the condition on one resource's table. The domains' `scope.py` build them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from kernel.db import dialect
from kernel.sql import Fragment

M = TypeVar("M", bound=Model)


class _Render:
    """One rendering of a condition as SQL: value names `scope_<alias>_<n>` and subquery
    aliases `<alias>_<n>`, numbered in order, so two aliases never name a value alike."""

    def __init__(self, alias: str, unindexed: bool) -> None:
        self.prefix = f"scope_{alias}_"
        self.unindexed = unindexed and dialect() == "sqlite"
        self.values: dict[str, Any] = {}
        self._count = 0

    def number(self) -> int:
        self._count += 1
        return self._count - 1

    def value(self, value: Any) -> str:
        name = f"{self.prefix}{self.number()}"
        self.values[name] = value
        return f":{name}"

    def column(self, alias: str, column: str, *, outer: bool) -> str:
        # SQLite, without statistics, prefers an equality's index to a range's: `+column`
        # tells it not to use the scope's index when the statement reads by another one.
        return f"{'+' if outer and self.unindexed else ''}{alias}.{column}"


class Condition(ABC):
    """A condition on the rows of one table, by its columns (named as the model's fields)."""

    @abstractmethod
    def q(self) -> Q:
        """The condition as the ORM's filter."""

    def sql(self, alias: str, *, unindexed: bool = False) -> Fragment:
        """The condition on the table named `alias` in a statement, with its values.
        `unindexed`: on SQLite the columns are written so that their index is not used (for a
        statement that reads few rows by another index)."""
        render = _Render(alias, unindexed)
        return Fragment(self._sql(alias, render, outer=True), render.values)

    @abstractmethod
    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str: ...

    def __and__(self, other: Condition) -> Condition:
        return all_of(self, other)

    def __or__(self, other: Condition) -> Condition:
        return any_of(self, other)

    def __invert__(self) -> Condition:
        return NEVER if self is ALWAYS else ALWAYS if self is NEVER else _Not(self)


class _Always(Condition):
    def q(self) -> Q:
        return Q()

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        return "1 = 1"


class _Never(Condition):
    def q(self) -> Q:
        return Q(pk__in=[])

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        return "1 = 0"


ALWAYS: Condition = _Always()
NEVER: Condition = _Never()


@dataclass(frozen=True, eq=False)
class _Equal(Condition):
    column: str
    value: Any

    def q(self) -> Q:
        filters: dict[str, Any] = {self.column: self.value}
        return Q(**filters)

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        return f"{render.column(alias, self.column, outer=outer)} = {render.value(self.value)}"


@dataclass(frozen=True, eq=False)
class _OneOf(Condition):
    column: str
    values: tuple[Any, ...]

    def q(self) -> Q:
        filters: dict[str, Any] = {f"{self.column}__in": list(self.values)}
        return Q(**filters)

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        markers = ", ".join(render.value(v) for v in self.values)
        return f"{render.column(alias, self.column, outer=outer)} IN ({markers})"


@dataclass(frozen=True, eq=False)
class _IsNull(Condition):
    column: str

    def q(self) -> Q:
        filters: dict[str, Any] = {f"{self.column}__isnull": True}
        return Q(**filters)

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        return f"{render.column(alias, self.column, outer=outer)} IS NULL"


@dataclass(frozen=True, eq=False)
class _StartsWith(Condition):
    column: str
    prefix: str

    def q(self) -> Q:
        filters: dict[str, Any] = {f"{self.column}__startswith": self.prefix}
        return Q(**filters)

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        # substr, not LIKE: the prefix is compared as it is, with no character special.
        column = render.column(alias, self.column, outer=outer)
        return f"substr({column}, 1, {len(self.prefix)}) = {render.value(self.prefix)}"


@dataclass(frozen=True, eq=False)
class _Within(Condition):
    column: str
    model: type[Model]
    field: str
    where: Condition

    def q(self) -> Q:
        rows = self.model.filter(self.where.q()).values(self.field)
        filters: dict[str, Any] = {f"{self.column}__in": Subquery(rows)}
        return Q(**filters)

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        inner = f"{alias}_{render.number()}"
        table = self.model._meta.db_table
        where = self.where._sql(inner, render, outer=False)
        return (
            f"{render.column(alias, self.column, outer=outer)} IN "
            f"(SELECT {inner}.{self.field} FROM {table} {inner} WHERE {where})"
        )


@dataclass(frozen=True, eq=False)
class _Not(Condition):
    condition: Condition

    def q(self) -> Q:
        return ~self.condition.q()

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        return f"NOT ({self.condition._sql(alias, render, outer=outer)})"


@dataclass(frozen=True, eq=False)
class _Join(Condition):
    parts: tuple[Condition, ...]
    word: str  # AND, OR

    def q(self) -> Q:
        found = [part.q() for part in self.parts]
        return Q(*found, join_type=self.word)

    def _sql(self, alias: str, render: _Render, *, outer: bool) -> str:
        found = [part._sql(alias, render, outer=outer) for part in self.parts]
        return "(" + f" {self.word} ".join(found) + ")"


def eq(column: str, value: Any) -> Condition:
    return _Equal(column, value)


def one_of(column: str, values: Iterable[Any]) -> Condition:
    """`column` is one of `values` (none: no row)."""
    found = tuple(values)
    return _OneOf(column, found) if found else NEVER


def is_null(column: str) -> Condition:
    return _IsNull(column)


def starts_with(column: str, prefix: str) -> Condition:
    return _StartsWith(column, prefix)


def within(column: str, model: type[Model], field: str, where: Condition) -> Condition:
    """`column` is the `field` of a row of `model` where `where` holds (`column IN (SELECT …)`)."""
    return NEVER if where is NEVER else _Within(column, model, field, where)


def all_of(*conditions: Condition) -> Condition:
    parts = [c for c in _flat(conditions, "AND") if c is not ALWAYS]
    if any(c is NEVER for c in parts):
        return NEVER
    return ALWAYS if not parts else parts[0] if len(parts) == 1 else _Join(tuple(parts), "AND")


def any_of(*conditions: Condition) -> Condition:
    parts = [c for c in _flat(conditions, "OR") if c is not NEVER]
    if any(c is ALWAYS for c in parts):
        return ALWAYS
    return NEVER if not parts else parts[0] if len(parts) == 1 else _Join(tuple(parts), "OR")


def _flat(conditions: Iterable[Condition], word: str) -> Iterable[Condition]:
    for condition in conditions:
        if isinstance(condition, _Join) and condition.word == word:
            yield from condition.parts
        else:
            yield condition


@dataclass(frozen=True)
class Scope(Generic[M]):
    """The rows of one resource a caller may see: `rows()` for querysets (lists, get-by-id,
    counts), `sql(alias)` for a raw statement's WHERE clause. Both come from one condition."""

    model: type[M]
    where: Condition

    def rows(self) -> QuerySet[M]:
        return self.model.all() if self.where is ALWAYS else self.model.filter(self.where.q())

    def sql(self, alias: str, *, unindexed: bool = False) -> Fragment:
        return self.where.sql(alias, unindexed=unindexed)

    def narrowed(self, where: Condition) -> Scope[M]:
        return Scope(self.model, self.where & where)
