"""Every response carries the security headers; the console's pages a strict CSP, so it
cannot be framed for clickjacking or run injected script."""

from __future__ import annotations

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def _assert_not_frameable_nor_sniffable(response):
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_the_console_cannot_be_framed_and_runs_only_its_own_script(client):
    for path in ("/console/login", "/console/static/checkin.js", "/console/static/console.js"):
        response = await client.get(path)
        assert response.status_code == 200, path
        _assert_not_frameable_nor_sniffable(response)
        assert response.headers["content-security-policy"] == STRICT


async def test_the_api_verify_pages_and_errors_carry_the_headers(world, client):
    for response in (
        await client.get("/healthz"),
        await client.get("/verify/NO-SUCH-NUMBER"),
        await client.get("/api/v1/me"),
        await world.resident.client.get("/api/v1/me"),
        await client.get("/no/such/path"),
    ):
        _assert_not_frameable_nor_sniffable(response)


def test_console_pages_hold_no_inline_script_or_style():
    import re
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "console" / "static"
    for page in static.glob("*.html"):
        html = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page.name
        assert "<style" not in html and "style=" not in html, page.name
        assert not re.search(r"\son[a-z]+=", html), page.name


def test_the_check_in_screen_takes_its_api_path_from_the_page_not_the_address_bar():
    """The console's check-in screen polls the URL the server rendered into the page (the
    activity id was checked and escaped there); nothing from `location` reaches a request."""
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "console" / "static" / "checkin.js").read_text()
    assert "screen.dataset.codeUrl" in script
    assert "location" not in script and "innerHTML" not in script


async def test_the_residents_pages_run_only_their_own_script_and_keep_their_address(client):
    """An H5 page may hold the resident's token in its address for a moment (its fragment):
    never cached, never sent on as a referrer, never framed, only its own script."""
    page = await client.get("/h5/household/consents")
    assert page.status_code == 200
    _assert_not_frameable_nor_sniffable_but_referrerless(page)
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "form-action 'none'" in policy and "'unsafe-inline'" not in policy
    assert page.headers["cache-control"] == "no-store"
    script = await client.get("/h5/static/household_consents.js")
    assert script.status_code == 200
    assert script.headers["x-content-type-options"] == "nosniff"


def _assert_not_frameable_nor_sniffable_but_referrerless(response):
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_resident_pages_hold_no_inline_script_or_style_and_build_no_html():
    """Only data travels inline (a JSON block the script reads); the script writes text into
    the page's own templates, never markup."""
    import re
    from pathlib import Path

    h5 = Path(__file__).resolve().parents[2] / "h5"
    for page in (h5 / "templates").glob("*.html"):
        html = page.read_text()
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert all('type="application/json"' in tag for tag in inline), page.name
        assert "<style" not in html and "style=" not in html, page.name
        assert not re.search(r"\son[a-z]+=", html), page.name
    for script in (h5 / "static").glob("*.js"):
        text = script.read_text()
        for markup in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert markup not in text, (script.name, markup)
