"""Every console page, read in Chinese by each role: a crawl from the role's pages along the
links it offers. No English sentence and no raw code (a status, a role, an action's code) in
what the page shows; names typed by people (usernames, unit codes) are data, not words. And
no page offers a link its reader is refused: a link is shown to those the page works for."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.chinese_text import english_words
from tests.console import oversight_world as world
from tests.console.conftest import Live, sign_in
from tests.console.test_accessibility import PAGES, things  # noqa: F401  (the fixture)

ROOT_PASSWORD = "root-password-123"  # the seed's platform administrator
MOST = 80  # pages per role: every template is among the first, rows repeat them
# Not pages: they sign out, download a file (exports, photos and uploads) or act.
SKIP = (
    "/console/logout",
    "/console/exports/",
    "/console/static/",
    "/console/screen/",
    "/console/oversight/photos/",
    "/console/uploads/",
)
# What the seed and `things` name in Latin letters: data people typed, shown as typed.
DATA = r"""
    (?:c\d|d\d)-(?:worker|admin)|locked-worker|root|o-[a-z]+|[a-z]+-[0-9a-z]{4,}|(?<![A-Za-z0-9])c\d(?![A-Za-z0-9])
    |[0-9a-f]{8}\b  # the tests' names end in a random hex part
"""


async def _visible_words(page: Any) -> list[str]:
    text = await page.evaluate(
        """() => {
            const main = document.body.cloneNode(true);
            main.querySelectorAll('code, kbd, samp, .username, script, style')
                .forEach(n => n.remove());
            return main.innerText;
        }"""
    )

    return english_words(re.sub(DATA, " ", text, flags=re.VERBOSE))


async def _crawl(page: Any, start: list[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The English words of each page reached, and the links that answered 403 or 404 (with
    the page that offered them)."""
    found: dict[str, list[str]] = {}
    refused: dict[str, str] = {}
    offered_by: dict[str, str] = {}
    seen: set[str] = set()
    queue = list(start)
    while queue and len(seen) < MOST:
        path = queue.pop(0)
        if path in seen or any(path.startswith(s) for s in SKIP):
            continue
        seen.add(path)
        answer = await page.goto(path)
        assert answer is not None and answer.status < 500, (path, answer and answer.status)
        if answer.status in (403, 404) and path in offered_by:
            refused[path] = offered_by[path]
        if words := await _visible_words(page):
            found[path] = words
        # A link marked `download` is a file, not a page.
        links = "as => as.map(a => a.href)"
        for href in await page.eval_on_selector_all("a[href]:not([download])", links):
            link = urlsplit(href)
            target = link.path + (f"?{link.query}" if link.query else "")
            if link.path.startswith("/console") and target not in seen:
                queue.append(target)
                if answer.status < 400:  # a page it may read offers this link
                    offered_by.setdefault(target, path)
    assert len(seen) >= len(set(start))
    return found, refused


@pytest.mark.parametrize("role", ["c1-worker", "d1-admin", "root", "unit", "visitor"])
async def test_every_page_a_role_reaches_is_chinese(browser, live: Live, things, role):  # noqa: F811
    context = await browser.new_context(
        base_url=live.base, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    try:
        page = await context.new_page()
        if role == "unit":
            await world.sign_in_as_partner(page, things["unit_login"], "/console/oversight/my-unit")
        elif role == "root":  # the platform's administrator
            await sign_in(page, role, ROOT_PASSWORD)
        elif role != "visitor":
            await sign_in(page, role)
        start = PAGES["d1-admin" if role == "root" else role]
        found, refused = await _crawl(page, [p.format(**things) for p in start])
    finally:
        await context.close()
    assert found == {}, "\n".join(f"{path}: {words}" for path, words in found.items())
    assert refused == {}, "\n".join(f"{path}, offered by {by}" for path, by in refused.items())
