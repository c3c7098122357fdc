"""A report as a PDF (A4): title, unit, period, generated time, figures, league tables and the ledger.

Drawn with reportlab rather than weasyprint (DESIGN's suggestion): weasyprint lays out with the fonts installed on
the machine, and these machines may have no CJK fonts. The text is set in Noto Sans CJK SC, shipped with the code
(fonts/NotoSansSC-GB2312.ttf: every GB 2312 character and the symbols reports use, SIL OFL, see
fonts/build_font.py) and EMBEDDED: reportlab writes only the glyphs a document uses (a subset, named
"ABCDEF+…"), so the file reads the same in every viewer, with or without Chinese fonts, and stays small. A
character outside GB 2312 (a rare name character) falls back to the CID font STSong-Light, which names Adobe's
standard Chinese font for the viewer to supply, as all text did before: never a blank box where fonts exist.
Text is wrapped with reportlab's CJK line breaking (wordWrap="CJK"), since Chinese has no spaces.

The ledger has 15 columns, so it gets landscape pages; the rest is portrait. The PDF lists at most
PDF_LEDGER_ROWS tickets (the Excel file has them all, up to the ledger export's cap) and says so.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .content import Content, league_headers, ledger_widths

FONT = "BianminSansSC"
FONT_FILE = Path(__file__).with_name("fonts") / "NotoSansSC-GB2312.ttf"
FALLBACK_FONT = "STSong-Light"
CONTENT_TYPE = "application/pdf"
PDF_LEDGER_ROWS = 1000
MARGIN = 15 * mm
NUMERALS = "一二三四五六七八九十"


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """The code points the embedded font draws; registers both fonts on first use (parsing the font file takes a
    moment, so not at import)."""
    font = TTFont(FONT, str(FONT_FILE))
    pdfmetrics.registerFont(font)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return frozenset(font.face.charToGlyph)


def markup(text: str) -> str:
    """Paragraph markup for `text`: escaped, with each run of characters the embedded font lacks set in the
    fallback font (a glyph missing from a TrueType font prints as an empty box)."""
    have, parts, run, run_missing = covered(), [], "", False
    for ch in text:
        missing = ord(ch) not in have and ch not in "\n\t"
        if run and missing != run_missing:
            parts.append(_run(run, run_missing))
            run = ""
        run, run_missing = run + ch, missing
    if run:
        parts.append(_run(run, run_missing))
    return "".join(parts)


def _run(text: str, missing: bool) -> str:
    return f'<font name="{FALLBACK_FONT}">{escape(text)}</font>' if missing else escape(text)


def _style(name: str, size: float, **extra) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=size * 1.35, wordWrap="CJK", **extra)


TITLE = _style("title", 16, alignment=1, spaceAfter=4 * mm)
HEADING = _style("heading", 12, spaceBefore=5 * mm, spaceAfter=2 * mm)
BODY = _style("body", 9.5)
CELL = _style("cell", 8.5)
SMALL_CELL = _style("small", 6.5)


def _p(text, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(markup(str(text)), style)


def _table(headers: list[str], rows: list[list], widths: list[float], style: ParagraphStyle = CELL) -> Table:
    data = [[_p(h, style) for h in headers]] + [[_p(v, style) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # not the table default Helvetica, which would not be embedded
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _head(content: Content) -> list:
    return [
        _p(content.title, TITLE),
        _p(_("单位：%(unit)s") % {"unit": content.unit.name}, BODY),
        _p(_("统计期间：%(period)s（%(label)s）") % {"period": content.period_text, "label": content.period_label}, BODY),
        _p(_("报送期限：%(due)s　生成时间：%(at)s") % {"due": content.due.isoformat(), "at": content.generated_text},
           BODY),
    ]


def _heading(number: int, title: str) -> Paragraph:
    """"一、主要指标": sections numbered the way Chinese official reports are."""
    return _p(f"{NUMERALS[number]}、{title}", HEADING)


def _figures(content: Content, width: float) -> list:
    rows = [[r.label, r.value, r.definition] for r in content.figures]
    return [_heading(0, _("主要指标")),
            _table([_("指标"), _("数值"), _("口径")], rows, [28 * mm, 20 * mm, width - 48 * mm])]


def _leagues(content: Content, width: float) -> list:
    parts = []
    for i, league in enumerate(content.leagues, 1):
        parts.append(_heading(i, league.title))
        if not league.entries:
            parts.append(_p(_("本期无评价。"), BODY))
            continue
        rows = [[e["rank"], e["name"], e["ratings"], e["good"], e["bad"], _percent(e["good_rate"]),
                 _percent(e["wilson_lower"]), "—" if e["satisfaction_index"] is None else e["satisfaction_index"]]
                for e in league.entries]
        fixed = [10 * mm] + [16 * mm] * 6
        parts.append(_table(league_headers(), rows, [fixed[0], width - sum(fixed), *fixed[1:]]))
    return parts


def _sections(content: Content, width: float) -> list:
    """The staff assessment's tables (scores, warnings, awards), numbered after the league tables."""
    parts = []
    for i, section in enumerate(content.sections, len(content.leagues) + 1):
        parts.append(_heading(i, section["title"]))
        if section.get("note"):
            parts.append(_p(section["note"], BODY))
        if not section["rows"]:
            parts.append(_p(section["empty"], BODY))
            continue
        weights = section["widths"]
        parts.append(_table(section["headers"], section["rows"], [width * w / sum(weights) for w in weights]))
    return parts


def _ledger(content: Content, width: float) -> list:
    number = len(content.leagues) + len(content.sections) + 1
    parts = [NextPageTemplate("landscape"), PageBreak(), _heading(number, _("差评整改台账"))]
    if not content.ledger_rows:
        return parts + [_p(_("本期无差评整改工单。"), BODY)]
    shown = content.ledger_rows[:PDF_LEDGER_ROWS]
    weights = ledger_widths(content.ledger_headers)
    parts.append(_table(content.ledger_headers, shown, [width * w / sum(weights) for w in weights], SMALL_CELL))
    if content.ledger_total > len(shown):
        parts.append(Spacer(1, 2 * mm))
        parts.append(_p(_("本表仅列出前 %(shown)s 件，共 %(total)s 件，完整台账见 Excel 文件。")
                        % {"shown": len(shown), "total": content.ledger_total}, BODY))
    return parts


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    # The canvas's size is this page's (landscape for the ledger); doc.pagesize stays the portrait default.
    canvas.drawCentredString(canvas._pagesize[0] / 2, 8 * mm, _("第 %(page)s 页") % {"page": doc.page})
    canvas.restoreState()


def pdf_bytes(content: Content, *, compress: bool = True) -> bytes:
    covered()
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=MARGIN, title=content.title, author="bianmin", pageCompression=int(compress),
                          initialFontName=FONT)  # not reportlab's default Helvetica: every font used is embedded
    portrait_width, landscape_size = A4[0] - 2 * MARGIN, landscape(A4)
    doc.addPageTemplates([
        PageTemplate("portrait", [Frame(MARGIN, MARGIN, portrait_width, A4[1] - 2 * MARGIN, id="p")],
                     onPage=_footer, pagesize=A4),
        PageTemplate("landscape", [Frame(MARGIN, MARGIN, landscape_size[0] - 2 * MARGIN,
                                         landscape_size[1] - 2 * MARGIN, id="l")],
                     onPage=_footer, pagesize=landscape_size),
    ])
    story = [*_head(content), *_figures(content, portrait_width), *_leagues(content, portrait_width),
             *_sections(content, portrait_width), *_ledger(content, landscape_size[0] - 2 * MARGIN)]
    doc.build(story)
    return out.getvalue()
