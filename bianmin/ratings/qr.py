"""QR codes for rating links: the one place a QR code is drawn (case page, receipt, anything later).

Inline SVG from `segno`: no image files, no extra request, sharp on paper and on screens, and
allowed by the CSP (no data: URL or script needed). The URL carries `?via=qr` so a scan is counted
as the QR channel.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import segno
from django.utils.safestring import SafeString, mark_safe

from .services import RatingLink


def qr_url(url: str) -> str:
    """The rating URL as printed in a QR code: marked as scanned (`via=qr`)."""
    parts = urlsplit(url)
    query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("via="))
    return urlunsplit(parts._replace(query=(query + "&" if query else "") + "via=qr"))


def qr_svg(data: str, *, scale: int = 4, label: str = "") -> SafeString:
    """An inline <svg> QR code of `data` (error correction M, standard quiet zone)."""
    svg = segno.make(data, error="m").svg_inline(scale=scale, svgclass="qr", lineclass=None, title=label or None)
    # segno escapes the title and emits only its own markup, so the result is safe to embed as is.
    return mark_safe(svg)


def rating_qr(link: RatingLink, *, scale: int = 4, label: str = "") -> dict:
    """What a template needs to show a rating QR code: the scanned URL and its SVG."""
    url = qr_url(link.url)
    return {"url": url, "svg": qr_svg(url, scale=scale, label=label), "stage": link.stage,
            "expires_at": link.expires_at}
