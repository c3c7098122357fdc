"""Report PDFs carry their own Chinese font (issue 15, point 5): a viewer without any Chinese font shows the same
text, so the font is embedded (FontFile2) as a per-document subset ("ABCDEF+" name), nothing the report says is
left to a font the viewer must supply, and symbols such as the minus sign of "1 − 实际办理用时" are drawn."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from bianmin.core import timeutil
from bianmin.ratings.models import Level
from bianmin.reports import calendar, content, pdf
from bianmin.stats import rollup

from .pdf_text import embedded_fonts, named_only_fonts, pdf_text
from .stats_helpers import raw_rating
from .ticket_helpers import bad_rating

pytestmark = pytest.mark.django_db

PERIOD = calendar.monthly(2026, 10, calendar.Schedule())
ON_DUE_DAY = dt.datetime(2026, 10, 29, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SUBSET = re.compile(r"^[A-Z]{6}\+")


@pytest.fixture
def county_report(world) -> bytes:
    raw_rating(world.site_a, dt.date(2026, 10, 12), Level.VERY_SATISFIED, window=world.window_a)
    with timeutil.travel_to(dt.datetime(2026, 10, 14, 10, 0)):
        bad_rating(world, phone="13812345678")  # a ledger row: the landscape pages are drawn too
    rollup.sweep()
    body = content.build(world.county, "monthly", 2026, 10, PERIOD.date_from, PERIOD.date_to, PERIOD.due,
                         ON_DUE_DAY)
    return pdf.pdf_bytes(body)


def test_report_pdf_embeds_a_subset_of_its_chinese_font(county_report):
    fonts = embedded_fonts(county_report)
    assert fonts and all(SUBSET.match(name) for name in fonts), fonts
    assert any("NotoSansCJKsc" in name for name in fonts)


def test_report_pdf_leaves_no_font_to_the_viewer(county_report):
    assert named_only_fonts(county_report) == []
    assert b"STSong" not in county_report


def test_report_text_extracts_back_with_the_minus_sign(county_report):
    text = pdf_text(county_report)
    assert "测试县" in text and "差评整改台账" in text and "第 1 页" in text
    assert "1 − 实际办理用时" in text  # the figure definition of 办理时限压缩率, U+2212 included
    assert "\ufffd" not in text


def test_every_character_of_the_figure_definitions_is_in_the_embedded_font():
    """What used to print as ☒: every label and definition a report prints has its glyph in the shipped font."""
    from bianmin.stats import metrics

    covered = pdf.covered()
    texts = [str(t) for t in [*metrics.DEFINITIONS.values(), *metrics.LABELS.values(), *content.league_headers()]]
    missing = {ch for t in texts for ch in t if ord(ch) not in covered and not ch.isspace()}
    assert texts and not missing, missing


def test_a_character_outside_the_font_falls_back_instead_of_printing_a_box():
    pdf.covered()
    assert pdf.markup("张喆") == f'张<font name="{pdf.FALLBACK_FONT}">喆</font>'
    assert pdf.markup("a<b & 1 − 2") == "a&lt;b &amp; 1 − 2"
