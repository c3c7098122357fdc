"""A Content-Security-Policy without 'unsafe-inline' scripts and without outside hosts (issue 14, deployment;
SPEC §11): every script is a static file of the site, so the templates hold no inline script or event handler."""
import re
from pathlib import Path

import pytest

import bianmin

TEMPLATES = sorted(Path(bianmin.__file__).parent.rglob("*.html"))
# A <script> element without a src attribute; json_script's data blocks are written by the filter, not in templates.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
# onclick=, onchange=, … inside a tag, and javascript: addresses.
INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        if part.strip():
            name, *sources = part.split()
            parsed[name] = sources
    return parsed


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search('<p></p><script>alert(1)</script>')
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/a.js" defer></script>')
    assert INLINE_HANDLER.search('<select name="site" onchange="this.form.submit()">')
    assert INLINE_HANDLER.search('<button\n  type="button" onClick="print()">')
    assert not INLINE_HANDLER.search('<button data-print>print online</button>')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')


def test_templates_hold_no_inline_scripts_or_event_handlers():
    assert len(TEMPLATES) > 50  # the scan sees the templates
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL):
            found += [f"{path.relative_to(Path(bianmin.__file__).parent)}: {m.group(0)[:80]}"
                      for m in pattern.finditer(text)]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/api/v1/docs", "/api/v1/items", "/accounts/login/"])
def test_the_policy_allows_only_the_sites_own_scripts(client, url):
    response = client.get(url, HTTP_HOST="localhost")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    for name, sources in policy.items():
        for source in sources:
            assert source in ("'self'", "'none'", "'unsafe-inline'", "data:"), f"{name} {source}"
        assert "'unsafe-inline'" not in sources or name == "style-src", name


@pytest.mark.django_db
def test_the_api_docs_load_their_scripts_from_the_site(client):
    """Swagger UI is served from django-ninja's static files, not a CDN (ninja is in INSTALLED_APPS)."""
    html = client.get("/api/v1/docs", HTTP_HOST="localhost").content.decode()
    sources = re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert sources and all(source.startswith("/static/") for source in sources), sources
    assert not INLINE_SCRIPT.search(html.replace('type="application/json"', 'src="data"'))
