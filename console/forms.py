"""A form shown again: after a refused post, or a post sent when the sign-in had ended, the
page holding the form gets back what was typed, each field in error marked for assistive
technology, and a summary at the top of the form that takes the focus. It is applied to the
rendered page, so every form of every template gets it without a line of its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData

from console import names
from kernel.errors import Problem

# A form posted after the sign-in ended is shown again only if the person signs in within this.
KEEP_FOR = timedelta(minutes=10)
# Never kept: tokens and passwords (any field whose name holds one of these).
SECRET_NAMES = ("csrf", "password", "token")
MAX_FIELDS = 100
MAX_VALUE = 5000
NOT_REFILLED = {"hidden", "submit", "button", "reset", "image", "file", "password"}
CONTROLS = {"input", "select", "textarea"}


def kept_values(form: FormData) -> dict[str, list[str]]:
    """What a person typed, without files, passwords or tokens."""
    values: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if not isinstance(value, str) or any(s in name.lower() for s in SECRET_NAMES):
            continue
        if name not in values and len(values) >= MAX_FIELDS:
            continue
        values.setdefault(name, []).append(value[:MAX_VALUE])
    return values


def refused(action: str, values: dict[str, list[str]], problem: Problem) -> dict[str, Any]:
    """The state of a form the server refused: the problem in words, field by field."""
    body = problem.body()  # the messages rendered in the reader's language
    errors = [
        {
            "field": str(error.get("field", "")),
            "label": names.field(str(error.get("field", ""))),
            "message": str(error.get("message", "")),
        }
        for error in body.get("errors") or []
    ]
    message = body["title"] if errors else problem.detail
    return {"action": action, "values": values, "message": message, "errors": errors}


def kept(action: str, values: dict[str, list[str]], now: datetime) -> dict[str, Any]:
    """The state of a form posted after the sign-in ended, to show after the next one."""
    return {"action": action, "values": values, "kept_at": now.isoformat(), "errors": []}


def still_fresh(state: dict[str, Any] | None, now: datetime) -> bool:
    if not state or "kept_at" not in state:
        return False
    try:
        kept_at = datetime.fromisoformat(str(state["kept_at"]))
    except ValueError:
        return False
    return now - kept_at.astimezone(UTC) < KEEP_FOR


# --- the page -------------------------------------------------------------------------------


@dataclass
class _Tag:
    name: str
    attrs: list[tuple[str, str | None]]
    start: int
    end: int
    closing: bool
    text: str = ""  # the text right after it (an option's label)


class _Scanner(HTMLParser):
    """Every tag of a page with where it starts and ends in the text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.lines = [0] + [m.end() for m in re.finditer("\n", html)]
        self.tags: list[_Tag] = []

    def _here(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._here()
        end = start + len(self.get_starttag_text() or "")
        self.tags.append(_Tag(tag, attrs, start, end, False))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        start = self._here()
        self.tags.append(_Tag(tag, [], start, self.html.index(">", start) + 1, True))

    def handle_data(self, data: str) -> None:
        if self.tags:
            self.tags[-1].text += data


def _get(tag: _Tag, name: str) -> str | None:
    return next((v for k, v in tag.attrs if k == name), None)


def _set(attrs: list[tuple[str, str | None]], name: str, value: str | None) -> None:
    for i, (k, _) in enumerate(attrs):
        if k == name:
            attrs[i] = (name, value)
            return
    attrs.append((name, value))


def _without(attrs: list[tuple[str, str | None]], name: str) -> list[tuple[str, str | None]]:
    return [(k, v) for k, v in attrs if k != name]


def _start_tag(name: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [name] + [k if v is None else f'{k}="{escape(v)}"' for k, v in attrs]
    return "<" + " ".join(parts) + ">"


@dataclass
class _Form:
    start: _Tag
    inner: list[_Tag]

    def hidden_agrees(self, values: dict[str, list[str]]) -> bool:
        """Its hidden fields (which row it is for) are those posted."""
        for tag in self.inner:
            if tag.name == "input" and not tag.closing and _get(tag, "type") == "hidden":
                name = _get(tag, "name") or ""
                secret = any(s in name.lower() for s in SECRET_NAMES)
                if name and not secret and (_get(tag, "value") or "") not in values.get(name, [""]):
                    return False
        return True


def _forms(tags: list[_Tag]) -> list[_Form]:
    forms: list[_Form] = []
    current: _Form | None = None
    for tag in tags:
        if tag.name == "form" and not tag.closing:
            current = _Form(tag, [])
        elif tag.name == "form" and tag.closing and current is not None:
            current.inner.append(tag)
            forms.append(current)
            current = None
        elif current is not None:
            current.inner.append(tag)
    return forms


@dataclass
class _Edits:
    html: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    def replace(self, start: int, end: int, text: str) -> None:
        self.edits.append((start, end, text))

    def insert(self, at: int, text: str) -> None:
        self.edits.append((at, at, text))

    def result(self) -> str:
        html = self.html
        for start, end, text in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            html = html[:start] + text + html[end:]
        return html


def _candidates(path: str) -> list[str]:
    """The form field names an error's path may mean, the most precise first."""
    parts = [p for p in path.split(".") if p and not p.isdigit() and p not in ("body", "query")]
    return [".".join(parts), *reversed(parts)] if parts else []


def apply(html: str, state: dict[str, Any], summary: Callable[[dict[str, Any]], str]) -> str:
    """`html` with the form of `state["action"]` filled in again and its errors marked;
    `summary` renders the box put at the top of the form (or of `<main>` when the page has no
    such form), given the state with each error's `target` (the field's id, if found)."""
    values: dict[str, list[str]] = state.get("values") or {}
    errors: list[dict[str, Any]] = [dict(e) for e in state.get("errors") or []]
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    edits = _Edits(html)
    form = next(
        (
            f
            for f in _forms(scanner.tags)
            if urlsplit(_get(f.start, "action") or "").path == state.get("action")
            and f.hidden_agrees(values)
        ),
        None,
    )
    if form is None:
        main = next((t for t in scanner.tags if t.name == "main" and not t.closing), None)
        if main is not None and (state.get("message") or errors):
            edits.insert(main.end, summary({**state, "errors": errors}))
        return edits.result()
    _fill(form, values, errors, edits)
    edits.insert(form.start.end, summary({**state, "errors": errors}))
    _open_around(scanner.tags, form.start, edits)
    return edits.result()


def _open_around(tags: list[_Tag], start: _Tag, edits: _Edits) -> None:
    """Opens the `<details>` the form is folded in, so its summary and fields are seen."""
    around: list[_Tag] = []
    for tag in tags:
        if tag is start:
            break
        if tag.name == "details":
            if not tag.closing:
                around.append(tag)
            elif around:
                around.pop()
    for details in around:
        if not any(k == "open" for k, _ in details.attrs):
            edits.replace(
                details.start, details.end, _start_tag("details", [*details.attrs, ("open", None)])
            )


def _fill(
    form: _Form, values: dict[str, list[str]], errors: list[dict[str, Any]], edits: _Edits
) -> None:
    controls = [
        t
        for t in form.inner
        if t.name in CONTROLS and not t.closing and _get(t, "type") not in ("hidden", "submit")
    ]
    is_control = {id(t) for t in controls}
    names_here = {_get(t, "name") or "" for t in controls}
    messages: dict[str, list[str]] = {}
    for error in errors:
        name = next((c for c in _candidates(error["field"]) if c in names_here), None)
        if name is not None:
            messages.setdefault(name, []).append(error["message"])
            error["name"] = name
    labels: list[_Tag] = []
    marked: dict[str, str] = {}  # field name -> its id
    for index, tag in enumerate(form.inner):
        if tag.name == "label":
            if tag.closing and labels:
                labels.pop()
            elif not tag.closing:
                labels.append(tag)
            continue
        if id(tag) not in is_control:
            continue
        name = _get(tag, "name") or ""
        attrs = list(tag.attrs)
        kind = (_get(tag, "type") or "text").lower()
        if tag.name == "input" and kind in ("checkbox", "radio"):
            if name in values:
                attrs = _without(attrs, "checked")
                if (_get(tag, "value") or "on") in values[name]:
                    attrs.append(("checked", None))
        elif tag.name == "input" and kind not in NOT_REFILLED and name in values:
            _set(attrs, "value", values[name][0])
        elif tag.name == "textarea" and name in values:
            end = next(t for t in form.inner[index + 1 :] if t.name == "textarea" and t.closing)
            edits.replace(tag.end, end.start, escape(values[name][0]))
        elif tag.name == "select" and name in values:
            _select(form.inner[index + 1 :], values[name], edits)
        if name in messages and name not in marked:
            marked[name] = _get(tag, "id") or f"field-{re.sub(r'[^A-Za-z0-9_-]', '-', name)}"
            message_id = marked[name] + "-error"
            _set(attrs, "id", marked[name])
            _set(attrs, "aria-invalid", "true")
            described = " ".join(filter(None, (_get(tag, "aria-describedby"), message_id)))
            _set(attrs, "aria-describedby", described)
            text = "；".join(messages[name])
            if labels:  # inside the label, out of its name: described, not named, by it
                closing = _closing_of(labels[-1], form.inner[index:])
                edits.insert(
                    closing.start,
                    f'<span class="field-error" id="{message_id}" aria-hidden="true">'
                    f"{escape(text)}</span>",
                )
            else:
                after = tag.end
                if tag.name in ("select", "textarea"):
                    after = next(
                        t for t in form.inner[index + 1 :] if t.name == tag.name and t.closing
                    ).end
                edits.insert(
                    after, f'<span class="field-error" id="{message_id}">{escape(text)}</span>'
                )
        if attrs != tag.attrs:
            edits.replace(tag.start, tag.end, _start_tag(tag.name, attrs))
    for error in errors:
        if error.get("name") in marked:
            error["target"] = marked[error["name"]]


def _closing_of(label: _Tag, following: list[_Tag]) -> _Tag:
    depth = 0
    for tag in following:
        if tag.name == "label" and not tag.closing:
            depth += 1
        elif tag.name == "label" and tag.closing:
            if depth == 0:
                return tag
            depth -= 1
    return label


def _select(following: list[_Tag], chosen: list[str], edits: _Edits) -> None:
    for tag in following:
        if tag.name == "select" and tag.closing:
            return
        if tag.name == "option" and not tag.closing:
            value = _get(tag, "value")
            selected = (value if value is not None else tag.text.strip()) in chosen
            attrs = _without(tag.attrs, "selected") + ([("selected", None)] if selected else [])
            if attrs != tag.attrs:
                edits.replace(tag.start, tag.end, _start_tag("option", attrs))
