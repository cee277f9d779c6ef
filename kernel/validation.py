"""Pydantic's field messages in the reader's language: one message per pydantic error `type`,
filled from the error's `ctx`, translated from the catalogue when the answer is written."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

from kernel.i18n import N_, translate

# pydantic error type → message template (English msgid); `{fields}` are keys of the error's ctx.
MESSAGES: dict[str, str] = {
    "missing": N_("required"),
    "extra_forbidden": N_("not a field of this request"),
    "string_type": N_("must be text"),
    "string_too_short": N_("at least {min_length} character(s)"),
    "string_too_long": N_("at most {max_length} character(s)"),
    "string_pattern_mismatch": N_("not in the expected form"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "decimal_type": N_("must be a number"),
    "decimal_parsing": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "decimal_max_digits": N_("at most {max_digits} digits"),
    "decimal_max_places": N_("at most {decimal_places} decimal places"),
    "decimal_whole_digits": N_("at most {whole_digits} digits before the point"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "multiple_of": N_("must be a multiple of {multiple_of}"),
    "too_short": N_("at least {min_length} item(s)"),
    "too_long": N_("at most {max_length} item(s)"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "literal_error": N_("must be one of {expected}"),
    "enum": N_("must be one of {expected}"),
    "date_type": N_("must be a date (YYYY-MM-DD)"),
    "date_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("must be a date (YYYY-MM-DD)"),
    "datetime_type": N_("must be a date and time (ISO 8601)"),
    "datetime_parsing": N_("must be a date and time (ISO 8601)"),
    "datetime_from_date_parsing": N_("must be a date and time (ISO 8601)"),
    "timezone_aware": N_("must carry its time zone offset, e.g. +08:00"),
    "date_future": N_("must be in the future"),
    "date_past": N_("must be in the past"),
    "datetime_future": N_("must be in the future"),
    "datetime_past": N_("must be in the past"),
    "url_parsing": N_("must be a URL"),
    "url_type": N_("must be a URL"),
    "json_invalid": N_("not valid JSON"),
}
OTHER = N_("not a valid value")


class FieldMessage(str):
    """A field message that renders in the reader's language when the problem is written; as a
    plain string (logs) it is English."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> FieldMessage:
        message = super().__new__(cls, template.format(**params) if params else template)
        message.template, message.params = template, params
        return message

    def render(self) -> str:
        return translate(self.template, **self.params)


def field_message(error: ErrorDetails) -> FieldMessage:
    """The message of one pydantic error. A validator's own `ValueError` text is its msgid
    (translated when the catalogue has it)."""
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return FieldMessage(str(ctx["error"]))
    template = MESSAGES.get(kind)
    if template is None:
        return FieldMessage(OTHER)
    try:
        return FieldMessage(template, **{k: _plain(v) for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):
        return FieldMessage(OTHER)


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str) else str(value)
